"""A small layout of the tests of yibao.core.spreadsheets, and workbooks written against it."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter

from yibao.core.spreadsheets.cells import Lookups, Problem, cell_text, code_cell, date_cell
from yibao.core.spreadsheets.layout import Column, SheetLayout
from yibao.core.spreadsheets.reader import SheetRead, SheetRow, each_row, read_sheet

SHEET = "名单"
COLUMNS = (
    Column("code", "编号", required=True, width=18),
    Column("name", "名称", required=True),
    Column("kind", "类别", kind="code", choices=(("1", "甲类"), ("2", "乙类"), ("10", "丙类"))),
    Column("day", "日期", kind="date"),
    Column("amount", "金额", kind="number"),
)
LAYOUT = SheetLayout(SHEET, COLUMNS, ("名单模板填写说明", "1. 从第二行开始填写，不得修改第一行。"))
HEADER = ["*编号", "*名称", "类别", "日期", "金额"]


@dataclass
class Item:
    code: str
    name: str
    kind: str
    day: datetime.date | None


def parse_row(number: int, values: list[Any], lookups: Lookups) -> SheetRow[Item]:
    cells = tuple(cell_text(value) for value in values)
    problems: list[Problem] = []
    kind = code_cell(COLUMNS[2], cells[2], lookups, problems) if cells[2] else ""
    day = date_cell(COLUMNS[3], values[3], cells[3], problems) if cells[3] else None
    return SheetRow(number, Item(cells[0], cells[1], kind, day), cells, problems)


def read(data: bytes, max_rows: int = 100) -> SheetRead[Item]:
    return read_sheet(data, LAYOUT, each_row(parse_row), max_rows=max_rows)


def good_row(code: str = "A001", **changes: Any) -> list[Any]:
    values: dict[str, Any] = {
        "编号": code,
        "名称": "王芳",
        "类别": "1 甲类",
        "日期": datetime.date(2026, 11, 1),
    }
    values["金额"] = 6000
    values.update(changes)
    return [values[title.lstrip("*")] for title in HEADER]


def workbook(
    rows: Sequence[Sequence[Any]],
    *,
    header: Sequence[str] = HEADER,
    sheet_name: str = SHEET,
    sheets: Sequence[str] = (),
    extra: Callable[[Any, Any], None] | None = None,
) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(sheet_name)
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, header)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(number, column, datetime.datetime.combine(value, datetime.time()), day)
            elif isinstance(value, str):
                sheet.write_string(number, column, value)
            else:
                sheet.write_number(number, column, value)
    for name in sheets:
        book.add_worksheet(name)
    if extra is not None:
        extra(book, sheet)
    book.close()
    return buffer.getvalue()
