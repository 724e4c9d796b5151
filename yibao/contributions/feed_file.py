"""The contributions feed from the core system / tax bureau: its columns, and reading a file (CSV
UTF-8 or xlsx) or JSON rows into text cells with the line each came from.

The layout is documented in yibao/contributions/README.md; the header names are the titles of
`COLUMNS`, the JSON keys their national field names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from yibao.contributions.error_codes import ContributionErrorCode
from yibao.core.errors import ApplicationError
from yibao.core.spreadsheets.archive import FileRefused
from yibao.core.spreadsheets.cells import feed_cell_text
from yibao.core.spreadsheets.feeds import feed_lines


@dataclass(frozen=True)
class Column:
    key: str  # national field name, also the JSON key
    title: str  # header of the file
    required: bool = True


COLUMNS = (
    Column("emp_no", "单位编号"),
    Column("psn_cert_type", "证件类型"),
    Column("certno", "证件号码"),
    Column("insutype", "险种类型"),
    Column("cashym", "费款所属期"),
    Column("clctstd", "缴费基数"),
    Column("emp_clct_amt", "单位缴费"),
    Column("psn_clct_amt", "个人缴费"),
    Column("clct_flag", "到账状态"),
    Column("arvl_date", "到账日期", required=False),
)
KEYS = tuple(c.key for c in COLUMNS)
BY_TITLE = {c.title: c for c in COLUMNS}
BY_KEY = {c.key: c for c in COLUMNS}


@dataclass(frozen=True)
class FeedRow:
    """One row as text, by national field name; `line` is its line in the file (header = 1) or
    its position in the JSON list (from 1)."""

    line: int
    cells: dict[str, str]


def _refused(message: str) -> ApplicationError:
    return ApplicationError(ContributionErrorCode.FILE_REFUSED, message)


def cell_text(value: Any) -> str:
    return feed_cell_text(value, keep_time=False)


def _header_positions(header: list[str]) -> dict[str, int]:
    """Column key → position; refuses unknown, repeated and missing required columns."""
    titles = [title.strip().lstrip("\ufeff").lstrip("*") for title in header]
    while titles and titles[-1] == "":
        titles.pop()
    problems = []
    positions: dict[str, int] = {}
    for index, title in enumerate(titles):
        column = BY_TITLE.get(title)
        if column is None:
            problems.append(f"第{index + 1}列「{title or '空'}」不是约定的列名")
        elif column.key in positions:
            problems.append(f"列「{title}」出现了两次")
        else:
            positions[column.key] = index
    missing = [c.title for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        problems.append("缺少列：" + "、".join(f"「{t}」" for t in missing))
    if problems:
        raise _refused("表头与约定格式不一致：" + "；".join(problems))
    return positions


def _rows(lines: Any) -> list[FeedRow]:
    """Rows from (line, cells) pairs whose first pair is the header."""
    first = next(lines, None)
    if first is None:
        raise _refused("文件中没有数据")
    positions = _header_positions([cell_text(v) for v in first[1]])
    rows = []
    for line, values in lines:
        cells = [cell_text(v) for v in values]
        if not any(cells):
            continue
        rows.append(FeedRow(line, {key: cells[i] if i < len(cells) else "" for key, i in positions.items()}))
    if not rows:
        raise _refused("文件中没有数据，请从第二行开始填写")
    return rows


def read_feed_file(data: bytes, *, name: str) -> list[FeedRow]:
    """The rows of a feed file; `name` decides the format by its extension (.csv or .xlsx)."""
    try:
        return _rows(feed_lines(data, name=name, again="导入"))
    except FileRefused as refusal:
        raise _refused(str(refusal)) from None


def rows_from_json(items: Any) -> list[FeedRow]:
    """JSON rows (a list of objects keyed by the national field names) as feed rows."""
    if not isinstance(items, list) or not items:
        raise _refused("rows 应为非空的数组")
    rows = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise _refused(f"第{index}条：应为对象")
        unknown = sorted(set(item) - set(KEYS))
        if unknown:
            raise _refused(f"第{index}条：未约定的字段 {', '.join(unknown)}")
        rows.append(FeedRow(index, {key: cell_text(item.get(key)) for key in KEYS}))
    return rows
