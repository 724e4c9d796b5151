"""Syncing 定点医疗机构 and 定点零售药店 from the 贯标平台 (the national standards platform).

The platform is where an institution's record is kept and changed; the hall shows it (public
queries, and later the institution's own 信息变更 form) and records when each record arrived.
`institutions_sync` takes the rows of one feed (`sync_format`: a file or JSON rows) and:

- checks every row first; any problem and nothing is written (all or nothing per feed), the report
  listing each problem with its line and column;
- matches rows by 定点医药机构编号: new codes are created, changed records updated, equal ones left
  alone, so the same feed twice changes nothing (not even the sync time);
- refuses a row older than what was synced before (its 贯标平台更新时间 is earlier), so that a
  late-arriving old file cannot roll a record back;
- writes set-based (one read of the existing records, bulk INSERT, executemany UPDATE), one audit
  event per feed; a record's `synced_at` is when its current values arrived.

Columns a feed does not have leave those fields as they are; the 法人 fields are never synced
(manual 001 §1.3.2: the platform's interface does not carry them).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.db.models import Field
from django.utils import timezone

from yibao.catalog.layouts import CellError, ParseContext
from yibao.catalog.models import Institution
from yibao.catalog.search import search_key_for
from yibao.catalog.services import (
    CREATE_BATCH,
    FETCH_BATCH,
    catalog_caches_clear,
    catalog_rows_update,
    catalog_statistics_refresh,
)
from yibao.catalog.sync_format import BY_KEY, SYNC_COLUMNS, SyncColumn, SyncFeed
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.models import Division
from yibao.core.reference import code_choices
from yibao.core.validators.identity import validate_cert_number

if TYPE_CHECKING:
    from yibao.accounts.models import User

MAX_ERRORS = 200
AUDIT_ACTION = "catalog.institutions.sync"
_TYPE_OF_PREFIX = {"H": Institution.Type.MEDICAL, "P": Institution.Type.PHARMACY}
_PAIRS = (  # (earlier, later, message when later < earlier)
    ("begntime", "endtime", "结束日期不能早于开始日期"),
    ("lic_issue_date", "lic_expiry_date", "经营许可证有效截止日期不能早于发证日期"),
)


@dataclass(frozen=True)
class SyncError:
    line: int
    column: str  # the column's title, or "" for the row as a whole
    message: str
    where: str = ""  # «第3行» (file) or «第3条» (JSON)

    def __str__(self) -> str:
        return f"{self.where or f'第{self.line}行'}：{self.column}{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class SyncReport:
    rows: int
    errors: list[SyncError] = field(default_factory=list)
    error_count: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    dry_run: bool = False
    changed_codes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error_count

    def summary(self) -> str:
        if not self.ok:
            more = f"（列出前{MAX_ERRORS}处）" if self.error_count > len(self.errors) else ""
            return f"共{self.rows}条，{self.error_count}处错误{more}，未同步任何数据"
        prefix = "（试运行，未保存）" if self.dry_run else ""
        return (
            f"{prefix}定点医药机构同步完成：共 {self.rows} 条，新增 {self.created} 条，更新 {self.updated} 条，"
            f"未变化 {self.unchanged} 条，其中停用 {self.deactivated} 条"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
            "error_count": self.error_count,
            "errors": [e.as_dict() for e in self.errors],
        }


class _DryRun(Exception):
    pass


def _context() -> ParseContext:
    return ParseContext(
        divisions=set(Division.objects.filter(is_active=True).values_list("code", flat=True)),
        hosp_levels=dict(code_choices("hosp_lv")),
        cert_types=dict(code_choices("psn_cert_type")),
    )


def _row_rules(values: dict[str, Any], present: set[str]) -> list[tuple[str, str]]:
    """(column title, message) for the rules between the cells of one row."""
    problems: list[tuple[str, str]] = []
    kind = _TYPE_OF_PREFIX[values["code"][0]]
    given_type = values.pop("fixmedins_type", None)
    if given_type and given_type != kind:
        problems.append(
            (BY_KEY["fixmedins_type"].title, "与定点医药机构编号不一致（H 为医疗机构，P 为零售药店）")
        )
    values["fixmedins_type"] = kind
    for earlier, later, message in _PAIRS:
        if values.get(earlier) and values.get(later) and values[later] < values[earlier]:
            problems.append(("", message))
    if "hi_resper_cert_type" in present or "hi_resper_certno" in present:
        cert, number = values.get("hi_resper_cert_type") or "", values.get("hi_resper_certno") or ""
        if bool(cert) != bool(number):
            problems.append(("", "医保办负责人证件类型与证件号码应同时填写或同时为空"))
        elif cert:
            try:
                values["hi_resper_certno"] = validate_cert_number(cert, number)
            except ApplicationError as error:
                problems.append((BY_KEY["hi_resper_certno"].title, f"不正确：{error.message}"))
    if kind == Institution.Type.MEDICAL:
        problems += [
            (column.title, "仅定点零售药店填写")
            for column in SYNC_COLUMNS
            if column.pharmacy_only and values.get(column.attr) not in (None, "", False)
        ]
    return problems


def _empty(column: SyncColumn) -> Any:
    if column.attr == "is_active":
        return True
    model_field = cast(Field[Any, Any], Institution._meta.get_field(column.attr.removesuffix("_id")))
    if model_field.null:
        return None
    if isinstance(model_field.default, bool):
        return model_field.default
    return ""


def sync_rows_parse(feed: SyncFeed) -> tuple[list[dict[str, Any]], list[SyncError], int]:
    """(rows as field values, the first MAX_ERRORS problems, the number of problems)."""
    context = _context()
    columns = [BY_KEY[key] for key in feed.keys]
    present = {c.attr for c in columns}
    parsed: list[dict[str, Any]] = []
    errors: list[SyncError] = []
    total = 0
    first_line: dict[str, int] = {}

    def problem(line: int, column: str, message: str) -> None:
        nonlocal total
        total += 1
        if len(errors) < MAX_ERRORS:
            errors.append(SyncError(line, column, message, feed.where(line)))

    for row in feed.rows:
        values: dict[str, Any] = {}
        failed = False
        for column in columns:
            raw = row.cells.get(column.key, "")
            if not raw.strip():
                if column.column.required:
                    problem(row.line, column.title, "不能为空")
                    failed = True
                values[column.attr] = _empty(column)
                continue
            try:
                values[column.attr] = column.column.parse(raw, context)
            except CellError as error:
                problem(row.line, column.title, str(error))
                failed = True
        if failed:
            continue
        for title, message in _row_rules(values, present):
            problem(row.line, title, message)
            failed = True
        first = first_line.setdefault(values["code"], row.line)
        if first != row.line:
            problem(row.line, BY_KEY["fixmedins_code"].title, f"与{feed.where(first)}重复")
            failed = True
        if not failed:
            values["_line"] = row.line
            parsed.append(values)
    return parsed, errors, total


def institutions_sync(
    *,
    feed: SyncFeed,
    actor: User | None = None,
    origin: RequestOrigin | None = None,
    source: str = "",
    dry_run: bool = False,
) -> SyncReport:
    """Check the feed whole, then create and update institutions to match it (see the module)."""
    report = SyncReport(rows=len(feed.rows), dry_run=dry_run)
    rows, report.errors, report.error_count = sync_rows_parse(feed)
    if report.error_count:
        return report
    attrs = [BY_KEY[key].attr for key in feed.keys if key != "fixmedins_code"]
    if "fixmedins_type" not in attrs:
        attrs.append("fixmedins_type")
    compare = ["fixmedins_type", *[a for a in attrs if a != "fixmedins_type"]]
    now = timezone.now()
    try:
        with transaction.atomic():
            existing = _existing(compare, [values["code"] for values in rows])
            stale = _stale_rows(rows, existing, feed)
            if stale:
                report.error_count = len(stale)
                report.errors = stale[:MAX_ERRORS]
                return report
            to_create: list[Institution] = []
            to_update: list[Institution] = []
            for values in rows:
                values.pop("_line")
                current = existing.get(values["code"])
                if current is None:
                    search_key = search_key_for(values["name"])
                    to_create.append(Institution(**values, search_key=search_key, synced_at=now))
                    if values.get("is_active") is False:
                        report.deactivated += 1
                    continue
                pk, old_key, _updt, *old = current
                new = [values[attr] for attr in compare]
                if old == new and old_key:
                    report.unchanged += 1
                    continue
                # The search key (pinyin, the costly part) is built again only for a new name.
                same_name = old[compare.index("name")] == values["name"]
                search_key = old_key if same_name and old_key else search_key_for(values["name"])
                if (
                    "is_active" in compare
                    and values["is_active"] is False
                    and old[compare.index("is_active")]
                ):
                    report.deactivated += 1
                changed = Institution(**values, search_key=search_key, synced_at=now, updated_at=now)
                changed.pk = pk
                to_update.append(changed)
                if len(report.changed_codes) < 50:
                    report.changed_codes.append(values["code"])
            report.created, report.updated = len(to_create), len(to_update)
            Institution.objects.bulk_create(to_create, batch_size=CREATE_BATCH)
            catalog_rows_update(Institution, to_update, [*compare, "search_key", "synced_at", "updated_at"])
            audit_event_record(
                actor=actor,
                action=AUDIT_ACTION,
                origin=origin,
                after={**report.as_dict(), "source": source, "columns": list(feed.keys)},
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        return report
    catalog_caches_clear()
    if report.created or report.updated:
        transaction.on_commit(lambda: catalog_statistics_refresh(Institution))
    return report


def _existing(compare: list[str], codes: list[str]) -> dict[str, tuple[Any, ...]]:
    """code → (pk, search_key, plaf_updt_time, compared fields…) of the feed's codes on record."""
    found: dict[str, tuple[Any, ...]] = {}
    fields = ["code", "pk", "search_key", "plaf_updt_time", *compare]
    for start in range(0, len(codes), FETCH_BATCH):
        chunk = codes[start : start + FETCH_BATCH]
        for record in Institution.objects.filter(code__in=chunk).order_by().values_list(*fields):
            found[record[0]] = record[1:]
    return found


def _stale_rows(
    rows: list[dict[str, Any]], existing: dict[str, tuple[Any, ...]], feed: SyncFeed
) -> list[SyncError]:
    title = BY_KEY["updt_time"].title
    errors = []
    for values in rows:
        current = existing.get(values["code"])
        synced: datetime.datetime | None = current[2] if current else None
        if synced is not None and values["plaf_updt_time"] < synced:
            shown = timezone.localtime(synced).strftime("%Y-%m-%d %H:%M:%S")
            errors.append(
                SyncError(
                    values["_line"],
                    title,
                    f"早于系统中已同步的数据（{shown}），不能用旧数据覆盖",
                    feed.where(values["_line"]),
                )
            )
    return errors
