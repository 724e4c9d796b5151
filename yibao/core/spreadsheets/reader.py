"""Reading the data sheet of a batch file.

`read_sheet` runs the archive checks (`archive`), refuses sheets the layout does not have, checks
the header against the layout (an exported failure file's «错误原因» column is allowed), and
hands the non-empty rows, padded to the layout's width, to the caller's parser in one table; the
result is the parsed rows with the problems parsing alone finds, or a file-level refusal.
"""

from __future__ import annotations

import gc
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import python_calamine
import xlsxwriter

from yibao.core.spreadsheets.archive import (
    ENCRYPTED,
    FileRefused,
    check_parts,
    open_checked,
    scan_sheet,
    sheet_parts,
    too_many_rows,
)
from yibao.core.spreadsheets.cells import Lookups, Problem
from yibao.core.spreadsheets.layout import ERROR_TITLE, SheetLayout
from yibao.core.validators._text import to_halfwidth

Data = TypeVar("Data")


@dataclass(frozen=True)
class RowProblem:
    row: int  # the spreadsheet row number (the header is row 1)
    column: str
    message: str


@dataclass
class SheetRow(Generic[Data]):
    row: int
    data: Data
    cells: tuple[str, ...]  # the cells as written, for 导出失败数据
    problems: list[Problem] = field(default_factory=list)


@dataclass
class SheetRead(Generic[Data]):
    rows: list[SheetRow[Data]] = field(default_factory=list)
    error: str = ""  # a file-level refusal; no rows then

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def problems(self) -> list[RowProblem]:
        return [RowProblem(r.row, p.column, p.message) for r in self.rows for p in r.problems]


# (spreadsheet row numbers, the rows' cells padded to the layout's width, lookups) → rows
TableParser = Callable[[list[int], list[list[Any]], Lookups], list[SheetRow[Data]]]


def each_row(parse: Callable[[int, list[Any], Lookups], SheetRow[Data]]) -> TableParser[Data]:
    """A table parser that parses row by row."""
    return lambda numbers, table, lookups: [parse(n, v, lookups) for n, v in zip(numbers, table, strict=True)]


def read_sheet(
    data: bytes, layout: SheetLayout, parse: TableParser[Data], *, max_rows: int
) -> SheetRead[Data]:
    """Read a batch file of `layout`: its rows as `parse` makes them (with the problems parsing
    alone finds), or a file-level refusal."""
    try:
        with gc_paused():
            return SheetRead(rows=_read(data, layout, parse, max_rows=max_rows))
    except FileRefused as refused:
        return SheetRead(error=str(refused))


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector around work that makes hundreds of thousands of small
    objects without cycles (a 50,000-row file): it would walk them again and again (a third of
    the parsing time); reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read(
    data: bytes, layout: SheetLayout, parse: TableParser[Data], *, max_rows: int
) -> list[SheetRow[Data]]:
    archive = open_checked(data)
    with archive:
        parts = sheet_parts(archive)
        if layout.sheet not in parts:
            raise FileRefused(f"文件中没有「{layout.sheet}」工作表，请使用下载的模板填写")
        extra = [name for name in parts if name not in layout.sheets]
        if extra:
            names = "、".join(f"「{name}」" for name in extra)
            raise FileRefused(f"文件中有模板以外的工作表{names}，请删除后重新上传")
        check_parts(archive)
        scan_sheet(archive, parts[layout.sheet], titles=layout.titles, max_rows=max_rows)
    try:
        book = python_calamine.CalamineWorkbook.from_object(io.BytesIO(data))
        sheet = book.get_sheet_by_name(layout.sheet)
        start = sheet.start or (0, 0)
        iterator = sheet.iter_rows()
        header = next(iterator, None)
    except python_calamine.PasswordError:
        raise FileRefused(ENCRYPTED) from None
    except Exception:  # calamine's errors: a malformed part of an archive that looked right
        raise FileRefused("文件内容无法读取，请使用下载的模板重新填写") from None
    if header is None:
        raise FileRefused("文件中没有数据，请从第二行开始填写")
    pad = [""] * start[1]
    first_row = start[0] + 1
    check_header(layout, pad + list(header) if first_row == 1 else [])
    width = layout.width
    numbers: list[int] = []
    table: list[list[Any]] = []
    try:
        for number, cells in enumerate(iterator, start=first_row + 1):
            values = (pad + cells)[:width] if pad else cells[:width]
            if all(value == "" or value is None for value in values):
                continue
            if len(table) >= max_rows:
                raise too_many_rows(max_rows)
            if len(values) < width:
                values = list(values) + [""] * (width - len(values))
            numbers.append(number)
            table.append(values)
        if not table:
            raise FileRefused("文件中没有数据，请从第二行开始填写")
        del iterator, sheet, book  # calamine's copy of the sheet is freed before parsing starts
        return parse(numbers, table, Lookups())
    except FileRefused:
        raise
    except Exception:
        raise FileRefused("文件内容无法读取，请使用下载的模板重新填写") from None


def _title(value: object) -> str:
    return re.sub(r"\s+", "", to_halfwidth(str(value))).lstrip("*")


def _letter(index: int) -> str:
    return str(xlsxwriter.utility.xl_col_to_name(index))


def check_header(layout: SheetLayout, header: list[Any]) -> None:
    """The first row must hold the layout's titles («*» of a required column and spaces aside),
    in order, and nothing else but an exported failure file's «错误原因»."""
    if not header:
        raise FileRefused("第一行应为模板表头，请使用下载的模板，不得修改模板文件第一行")
    titles, width = layout.titles, layout.width
    found = [_title(value) for value in header]
    while found and found[-1] == "":
        found.pop()
    if len(found) == width + 1 and found[-1] == ERROR_TITLE:
        found.pop()  # an exported failure file, corrected and imported again
    diffs = []
    for index in range(max(width, len(found))):
        expected = titles[index] if index < width else ""
        actual = found[index] if index < len(found) else ""
        if actual == expected:
            continue
        if not expected:
            diffs.append(f"{_letter(index)}列多出「{actual}」")
        else:
            diffs.append(f"{_letter(index)}列应为「{expected}」，文件中为「{actual or '空'}」")
    if diffs:
        raise FileRefused("表头与模板不一致（不得修改模板文件第一行）：" + "；".join(diffs))
