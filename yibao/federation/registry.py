"""The core system's register of insured units (医保信息系统 参保单位), kept from its feed.

Henan registers only units with a valid USCC in the new 医保信息系统 (manual 004); Yunnan refuses a
registration whose 单位联系人号码 differs from the core system's (manual 001 FAQ 2.2). Both read
`CoreUnit`, which this feed keeps: a file (CSV UTF-8 or xlsx, headed by the Chinese titles or the
national field names of `COLUMNS`) or JSON rows keyed by the field names. The layout is in
README.md; a test keeps the two in step.

- Every row is checked first; any problem and nothing is written (all or nothing per feed), the
  report listing each problem with its line.
- Rows match by 统一社会信用代码: new ones are created, changed ones updated, equal ones left alone,
  so the same feed twice changes nothing (not even the sync time).
- A USCC on two rows of one feed is refused (which one is right cannot be told), and so is a row
  older than what was synced before (its 更新时间 is earlier): a late old file cannot roll back.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.models import Division
from yibao.core.spreadsheets.archive import FileRefused
from yibao.core.spreadsheets.cells import feed_cell_text, feed_header_key, feed_timestamp
from yibao.core.spreadsheets.feeds import feed_lines
from yibao.core.validators._text import to_halfwidth
from yibao.core.validators.uscc import validate_uscc
from yibao.federation.error_codes import RegistryErrorCode
from yibao.federation.models import CoreUnit

MAX_ERRORS = 200
MAX_ROWS = 500_000
AUDIT_ACTION = "federation.registry.sync"
REFUSED_ACTION = "federation.registry.refused"
BATCH = 900  # rows per IN (...) and per bulk write: within SQLite's variable limit
_PHONE = re.compile(r"(1[3-9]\d{9})|(0\d{2,3}-?\d{7,8}(-\d{1,6})?)")


class CellError(ValueError):
    pass


def _text(max_length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = " ".join(value.split())
        if len(value) > max_length:
            raise CellError(f"不能超过{max_length}个字符（现有{len(value)}个）")
        return value

    return parse


def _uscc(value: str) -> str:
    try:
        return validate_uscc(value)
    except ApplicationError as error:
        raise CellError(error.message.removeprefix("统一社会信用代码").removeprefix("请输入")) from error


def _division(value: str) -> str:
    code = to_halfwidth(value).strip()
    if not re.fullmatch(r"\d{6}", code):
        raise CellError(f"“{value}”格式不正确，应为6位医保区划代码")
    return code  # whether it exists is checked for the whole feed at once


def _phone(value: str) -> str:
    number = to_halfwidth(value).strip().replace(" ", "")
    if number and not _PHONE.fullmatch(number):
        # The number itself is not repeated: the report goes to the audit log.
        raise CellError("不是有效的手机号码或固定电话（如 13912345678、0871-12345678）")
    return number


def _flag(value: str) -> bool:
    key = to_halfwidth(value).strip()
    if key in ("", "1", "是", "有效"):
        return True
    if key in ("0", "否", "无效"):
        return False
    raise CellError(f"“{value}”无效，应为 1（有效）或 0（无效）")


def _timestamp(value: str) -> datetime.datetime:
    try:
        return feed_timestamp(value)
    except ValueError as error:
        raise CellError(str(error)) from None


@dataclass(frozen=True)
class RegistryColumn:
    key: str  # the national field name: the JSON key, and a header the file may use
    attr: str  # the field of CoreUnit
    title: str  # the Chinese header
    parse: Callable[[str], Any]
    required: bool = False
    aliases: tuple[str, ...] = ()
    note: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.title, self.key, *self.aliases)


COLUMNS: tuple[RegistryColumn, ...] = (
    RegistryColumn("uscc", "uscc", "统一社会信用代码", _uscc, required=True, note="18 位，校验位须正确；一个文件中不得重复"),
    RegistryColumn("emp_name", "name", "单位名称", _text(200), required=True),
    RegistryColumn("admdvs", "division_id", "医保区划", _division, required=True, note="6 位区划代码，须为系统中有效的区划"),
    RegistryColumn("emp_no", "emp_no", "单位编号", _text(40), note="医保信息系统的单位编号"),
    RegistryColumn("tel", "contact_phone", "单位联系人号码", _phone, aliases=("联系电话",),
                   note="手机号码或固定电话；云南注册时须与经办人手机号一致"),
    RegistryColumn("vali_flag", "is_valid", "有效标志", _flag, note="1 有效、0 无效（注销）；空白为有效"),
    RegistryColumn("updt_time", "source_updated_at", "更新时间", _timestamp, required=True,
                   note="该单位在医保信息系统最后修改的时间，如 2026-05-01 10:20:30；不得早于已同步的时间"),
)  # fmt: skip
BY_KEY = {c.key: c for c in COLUMNS}


_BY_HEADER = {feed_header_key(name): c for c in COLUMNS for name in c.names}


@dataclass(frozen=True)
class RegistryRow:
    line: int  # in the file (header = 1), or the position in the JSON list (from 1)
    cells: dict[str, str]  # by national field name


@dataclass(frozen=True)
class RegistryFeed:
    keys: tuple[str, ...]
    rows: list[RegistryRow]
    json: bool = False

    def where(self, line: int) -> str:
        return f"第{line}条" if self.json else f"第{line}行"


def _refused(message: str) -> ApplicationError:
    return ApplicationError(RegistryErrorCode.FILE_REFUSED, message)


def _keys_checked(keys: list[str]) -> tuple[str, ...]:
    missing = [c.title for c in COLUMNS if c.required and c.key not in keys]
    if missing:
        raise ApplicationError(RegistryErrorCode.HEADER, f"缺少必需的列：{'、'.join(missing)}")
    return tuple(keys)


def read_registry_file(data: bytes, *, name: str) -> RegistryFeed:
    """The rows of a CSV (UTF-8) or xlsx file: the first line is the header."""
    try:
        lines = iter(feed_lines(data, name=name, again="同步"))
        header_line = next(lines, None)
        if header_line is None:
            raise _refused("文件是空的")
        keys: list[str] = []
        positions: list[tuple[int, str]] = []
        for position, title in enumerate(header_line[1]):
            column = _BY_HEADER.get(feed_header_key(feed_cell_text(title)))
            if column is None:
                continue  # other columns of the core system's export are not ours
            if column.key in keys:
                raise ApplicationError(RegistryErrorCode.HEADER, f"列“{column.title}”出现了两次")
            keys.append(column.key)
            positions.append((position, column.key))
        rows: list[RegistryRow] = []
        for line, cells in lines:
            values = {key: feed_cell_text(cells[p]) if p < len(cells) else "" for p, key in positions}
            if not any(v.strip() for v in values.values()):
                continue  # a blank line
            if len(rows) >= MAX_ROWS:
                raise _refused(f"文件超过{MAX_ROWS}行，请分成多个文件同步")
            rows.append(RegistryRow(line, values))
    except FileRefused as error:
        raise _refused(str(error)) from None
    return RegistryFeed(keys=_keys_checked(keys), rows=rows)


def rows_from_json(rows: Any) -> RegistryFeed:
    """``{"rows": [{"uscc": …, "emp_name": …}, …]}``: every row carries the same keys."""
    if not isinstance(rows, list) or not rows:
        raise _refused("rows 应为非空的数组")
    if len(rows) > MAX_ROWS:
        raise _refused(f"一次最多同步{MAX_ROWS}条")
    parsed: list[RegistryRow] = []
    keys: list[str] | None = None
    for position, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise _refused(f"第{position}条应为对象")
        unknown = sorted(set(row) - set(BY_KEY))
        if unknown:
            raise _refused(f"第{position}条有未知的字段：{'、'.join(unknown)}")
        if keys is None:
            keys = [c.key for c in COLUMNS if c.key in row]
        elif set(row) != set(keys):
            raise _refused(f"第{position}条的字段与第1条不同")
        parsed.append(RegistryRow(position, {k: "" if v is None else str(v) for k, v in row.items()}))
    return RegistryFeed(keys=_keys_checked(keys or []), rows=parsed, json=True)


@dataclass(frozen=True)
class RegistryError:
    where: str
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}：{self.column}{self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"where": self.where, "column": self.column, "message": self.message}


@dataclass
class RegistryReport:
    rows: int
    errors: list[RegistryError] = field(default_factory=list)
    error_count: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add(self, error: RegistryError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)

    def summary(self) -> str:
        if not self.ok:
            return f"共{self.rows}行，发现{self.error_count}处错误，未同步任何数据"
        return f"共{self.rows}行：新增{self.created}个单位，更新{self.updated}个，未变{self.unchanged}个"

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "error_count": self.error_count,
            "errors": [e.as_dict() for e in self.errors],
            "summary": self.summary(),
        }


def _parsed(feed: RegistryFeed, report: RegistryReport) -> dict[str, tuple[int, dict[str, Any]]]:
    """Each row's values by USCC (with its line); problems go to the report."""
    by_uscc: dict[str, tuple[int, dict[str, Any]]] = {}
    for row in feed.rows:
        values: dict[str, Any] = {}
        for key in feed.keys:
            column = BY_KEY[key]
            raw = row.cells.get(key, "")
            if not raw.strip() and column.required:
                report.add(RegistryError(feed.where(row.line), column.title, "不能为空"))
                continue
            try:
                values[column.attr] = column.parse(raw)
            except CellError as error:
                report.add(RegistryError(feed.where(row.line), column.title, str(error)))
        uscc = values.get("uscc")
        if uscc is None:
            continue
        if uscc in by_uscc:
            first = by_uscc[uscc][0]
            report.add(RegistryError(feed.where(row.line), "统一社会信用代码", f"与{feed.where(first)}重复"))
            continue
        by_uscc[uscc] = (row.line, values)
    divisions = {v["division_id"] for _, v in by_uscc.values() if "division_id" in v}
    known = set(Division.objects.filter(code__in=divisions).values_list("code", flat=True))
    for line, values in by_uscc.values():
        if values.get("division_id") not in (None, *known):
            report.add(
                RegistryError(
                    feed.where(line), "医保区划", f"“{values['division_id']}”不是有效的医保区划代码"
                )
            )
    return by_uscc


def _existing(usccs: Iterable[str]) -> dict[str, CoreUnit]:
    found: dict[str, CoreUnit] = {}
    batch: list[str] = []
    for uscc in usccs:
        batch.append(uscc)
        if len(batch) == BATCH:
            found |= {u.uscc: u for u in CoreUnit.objects.filter(uscc__in=batch)}
            batch = []
    if batch:
        found |= {u.uscc: u for u in CoreUnit.objects.filter(uscc__in=batch)}
    return found


def _refusal_record(report: RegistryReport, *, source: str, origin: RequestOrigin | None) -> None:
    """A refused feed, visible to the system admin (审计日志) with its first problems."""
    audit_event_record(
        actor=None,
        action=REFUSED_ACTION,
        after={
            "source": source,
            "error_count": report.error_count,
            "errors": [str(e) for e in report.errors[:20]],
        },
        origin=origin,
    )


def registry_sync(
    *, feed: RegistryFeed, source: str, origin: RequestOrigin | None = None, dry_run: bool = False
) -> RegistryReport:
    """Apply one feed of the core system's unit register, all or nothing (see the module)."""
    report = RegistryReport(rows=len(feed.rows))
    by_uscc = _parsed(feed, report)
    attrs = [BY_KEY[k].attr for k in feed.keys if BY_KEY[k].attr != "uscc"]
    now = timezone.now()
    with transaction.atomic():
        existing = _existing(by_uscc)
        new: list[CoreUnit] = []
        changed: list[CoreUnit] = []
        complete = {BY_KEY[k].attr for k in feed.keys}
        for uscc, (line, values) in by_uscc.items():
            if set(values) != complete:
                continue  # a cell of the row is wrong (reported): nothing to compare it by
            record = existing.get(uscc)
            if record is None:
                new.append(CoreUnit(**values, synced_at=now))
                continue
            if values["source_updated_at"] < record.source_updated_at:
                report.add(
                    RegistryError(
                        feed.where(line),
                        "更新时间",
                        f"早于已同步的时间（{timezone.localtime(record.source_updated_at):%Y-%m-%d %H:%M:%S}）",
                    )
                )
                continue
            if all(getattr(record, a) == values[a] for a in attrs):
                report.unchanged += 1
                continue
            for a in attrs:
                setattr(record, a, values[a])
            record.synced_at = now
            changed.append(record)
        if not report.ok or dry_run:
            if not report.ok:
                report.created = report.updated = report.unchanged = 0
            else:
                report.created, report.updated = len(new), len(changed)
            if not report.ok and not dry_run:
                _refusal_record(report, source=source, origin=origin)
            return report
        CoreUnit.objects.bulk_create(new, batch_size=BATCH)
        if changed:
            CoreUnit.objects.bulk_update(changed, [*attrs, "synced_at"], batch_size=BATCH)
        report.created, report.updated = len(new), len(changed)
        audit_event_record(
            actor=None,
            action=AUDIT_ACTION,
            after={"source": source, "created": report.created, "updated": report.updated,
                   "unchanged": report.unchanged},
            origin=origin,
        )  # fmt: skip
    return report
