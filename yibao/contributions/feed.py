"""Importing the contributions feed: every row checked, then the months replaced at once.

`contributions_import` validates all rows (cell shapes, unknown units and persons, months, amounts,
rows repeated in the feed) with set-based lookups, and writes nothing when any row fails. A valid
feed replaces, for every (单位, 费款所属期) it names, that month's rows of that unit: one DELETE per
unit, the new rows written with COPY on PostgreSQL (executemany on SQLite) and the unit's
summary of those months made again, in one transaction. Importing the same feed again therefore leaves the same rows, never doubles them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from yibao.accounts.models import User
from yibao.contributions.feed_file import BY_KEY, FeedRow
from yibao.contributions.models import Contribution
from yibao.contributions.periods import period_of, period_parse
from yibao.contributions.summaries import unit_months_summarise
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.bulk import BulkWriter, bulk_write
from yibao.core.reference import code_choices
from yibao.core.spreadsheets.cells import parse_date
from yibao.enrollment.models import Person
from yibao.units.models import Unit

LOOKUP_BATCH = 900  # values per IN list (SQLite allows 999 parameters)
AMOUNT_LIMIT = Decimal("10000000000")  # max_digits 12, 2 places
ARRIVAL_LABELS = {label: code for code, label in Contribution.Arrival.choices}
FIELDS = (
    "unit",
    "person",
    "insutype",
    "period",
    "base",
    "unit_amount",
    "personal_amount",
    "arrival",
    "arrival_date",
)


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.line}行 {self.column}：{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    rows: int
    errors: list[RowError] = field(default_factory=list)
    inserted: int = 0
    deleted: int = 0  # rows of the replaced months that were there before
    months: int = 0  # (单位, 费款所属期) pairs replaced
    units: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if not self.ok:
            return f"共{self.rows}行，{len(self.errors)}处错误，未导入任何数据"
        return (
            f"共{self.rows}行：导入{self.inserted}条缴费明细，涉及{self.units}个单位、"
            f"{self.months}个单位费款所属期（替换原有{self.deleted}条）"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "inserted": self.inserted,
            "deleted": self.deleted,
            "months": self.months,
            "units": self.units,
            "errors": [e.as_dict() for e in self.errors],
        }


@dataclass
class _Valid:
    unit_id: int
    person_id: int
    insutype: str
    period: int
    base: Decimal
    unit_amount: Decimal
    personal_amount: Decimal
    arrival: str
    arrival_date: datetime.date | None


def _title(key: str) -> str:
    return BY_KEY[key].title


def _amount(text: str) -> Decimal | str | None:
    """The amount, or a message."""
    if text == "":
        return "不能为空"
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return "应为金额数字，如 6000.00"
    if not value.is_finite() or value < 0:
        return "应为不小于0的金额"
    if value >= AMOUNT_LIMIT:  # before quantize, which cannot take 1E+30
        return "金额过大"
    if value != value.quantize(Decimal("0.01")):
        return "最多两位小数"
    return value.quantize(Decimal("0.01"))


def _lookup_units(emp_nos: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    ordered = sorted(emp_nos)
    for start in range(0, len(ordered), LOOKUP_BATCH):
        chunk = ordered[start : start + LOOKUP_BATCH]
        found.update(Unit.objects.filter(emp_no__in=chunk).values_list("emp_no", "pk"))
    return found


def _lookup_persons(keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Person ids by (证件类型, 证件号码): per 证件类型, IN lists the unique index answers."""
    by_type: dict[str, list[str]] = defaultdict(list)
    for cert_type, cert_no in keys:
        by_type[cert_type].append(cert_no)
    found: dict[tuple[str, str], int] = {}
    for cert_type, numbers in by_type.items():
        numbers.sort()
        for start in range(0, len(numbers), LOOKUP_BATCH):
            rows = Person.objects.filter(
                cert_type=cert_type, cert_no__in=numbers[start : start + LOOKUP_BATCH]
            ).values_list("cert_no", "pk")
            found.update(((cert_type, cert_no), pk) for cert_no, pk in rows)
    return found


def feed_validate(rows: Sequence[FeedRow], *, today: datetime.date) -> tuple[list[_Valid], list[RowError]]:
    """Every row checked; the valid rows (usable only when there are no errors) and the errors."""
    errors: list[RowError] = []
    insutypes = {code for code, _ in code_choices("insutype")}
    cert_types = {code for code, _ in code_choices("psn_cert_type")}
    latest = period_of(today)
    units = _lookup_units({r.cells["emp_no"] for r in rows if r.cells["emp_no"]})
    persons = _lookup_persons(
        {
            (r.cells["psn_cert_type"], r.cells["certno"].upper())
            for r in rows
            if r.cells["psn_cert_type"] and r.cells["certno"]
        }
    )
    seen: dict[tuple[Any, ...], int] = {}
    valid: list[_Valid] = []
    for row in rows:
        problems: list[tuple[str, str]] = []
        cells = row.cells

        def problem(key: str, message: str) -> None:
            problems.append((_title(key), message))  # noqa: B023 - used within this iteration

        for key in ("emp_no", "psn_cert_type", "certno", "insutype", "cashym", "clct_flag"):
            if not cells[key]:
                problem(key, "不能为空")
        unit_id = units.get(cells["emp_no"]) if cells["emp_no"] else None
        if cells["emp_no"] and unit_id is None:
            problem("emp_no", f"单位编号{cells['emp_no']}不存在")
        cert_type, cert_no = cells["psn_cert_type"], cells["certno"].upper()
        person_id = None
        if cert_type and cert_type not in cert_types:
            problem("psn_cert_type", f"证件类型代码{cert_type}不存在")
        elif cert_type and cert_no:
            person_id = persons.get((cert_type, cert_no))
            if person_id is None:
                problem("certno", "系统中没有该证件号码的人员")
        if cells["insutype"] and cells["insutype"] not in insutypes:
            problem("insutype", f"险种类型代码{cells['insutype']}不存在")
        period = period_parse(cells["cashym"]) if cells["cashym"] else None
        if cells["cashym"] and period is None:
            problem("cashym", "应为年月，如 202401")
        elif period is not None and period > latest:
            problem("cashym", "不能晚于当前月份")
        amounts: dict[str, Decimal] = {}
        for key in ("clctstd", "emp_clct_amt", "psn_clct_amt"):
            value = _amount(cells[key])
            if isinstance(value, Decimal):
                amounts[key] = value
            else:
                problem(key, str(value))
        arrival = ARRIVAL_LABELS.get(cells["clct_flag"], cells["clct_flag"])
        if cells["clct_flag"] and arrival not in Contribution.Arrival.values:
            problem("clct_flag", "应为 0（未到账）、1（已到账）或 2（部分到账）")
        arrival_date = None
        if cells["arvl_date"]:
            arrival_date = parse_date(cells["arvl_date"])
            if arrival_date is None:
                problem("arvl_date", "应为日期，如 2024-01-15")
            elif arrival == Contribution.Arrival.PENDING:
                problem("arvl_date", "未到账的记录不应有到账日期")
        elif arrival in {Contribution.Arrival.ARRIVED, Contribution.Arrival.PARTIAL}:
            problem("arvl_date", "已到账或部分到账的记录应填写到账日期")
        identity = (cells["emp_no"], cert_type, cert_no, cells["insutype"], period)
        if not problems:
            first = seen.setdefault(identity, row.line)
            if first != row.line:
                problem("certno", f"与第{first}行重复（同一单位、人员、险种、费款所属期）")
        if problems:
            errors.extend(RowError(row.line, column, message) for column, message in problems)
            continue
        assert unit_id is not None and person_id is not None and period is not None  # noqa: S101
        valid.append(
            _Valid(
                unit_id=unit_id,
                person_id=person_id,
                insutype=cells["insutype"],
                period=period,
                base=amounts["clctstd"],
                unit_amount=amounts["emp_clct_amt"],
                personal_amount=amounts["psn_clct_amt"],
                arrival=arrival,
                arrival_date=arrival_date,
            )
        )
    return valid, errors


def _write(rows: Iterable[_Valid]) -> None:
    values = (
        (row.unit_id, row.person_id, row.insutype, row.period, row.base, row.unit_amount,
         row.personal_amount, row.arrival, row.arrival_date)
        for row in rows
    )  # fmt: skip
    bulk_write(BulkWriter.for_connection(connection), Contribution, FIELDS, values)


def contributions_import(
    *,
    rows: Sequence[FeedRow],
    actor: User | None = None,
    origin: RequestOrigin | None = None,
    today: datetime.date | None = None,
) -> ImportReport:
    """Validate the feed and, when every row passes, replace the months it names (see module)."""
    today = today or timezone.localdate()
    report = ImportReport(rows=len(rows))
    valid, report.errors = feed_validate(rows, today=today)
    if report.errors:
        return report
    months: dict[int, set[int]] = defaultdict(set)
    for row in valid:
        months[row.unit_id].add(row.period)
    with transaction.atomic():
        # Two feeds naming one unit wait for each other here instead of both deleting its months.
        list(Unit.objects.select_for_update().filter(pk__in=sorted(months)).order_by("pk").values_list("pk"))
        for unit_id, periods in sorted(months.items()):
            report.deleted += Contribution.objects.filter(
                unit_id=unit_id, period__in=sorted(periods)
            ).delete()[0]
        _write(valid)
        for unit_id, periods in months.items():
            unit_months_summarise(unit_id=unit_id, periods=periods)
        report.inserted = len(valid)
        report.units = len(months)
        report.months = sum(len(p) for p in months.values())
        audit_event_record(
            actor=actor,
            action="contributions.import",
            after={k: v for k, v in report.as_dict().items() if k != "errors"},
            origin=origin,
        )
    return report
