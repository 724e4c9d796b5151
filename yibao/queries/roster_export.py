"""导出 of the 职工花名册: an .xlsx streamed row by row (yibao.core.spreadsheets.streaming) into a
temporary file that the response then streams, so a roster of 100,000 persons never sits in
memory. ID numbers are masked as on the page; no cell can be taken for a formula. `xlsx_file`
serves every export of the 查询服务 pages."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from yibao.core.spreadsheets.cells import neutralise
from yibao.core.spreadsheets.streaming import Cell, Column, Sheet, write_xlsx
from yibao.queries.roster import RosterRow

SHEET = "职工花名册"
TEXT = "@"
# (column, RosterRow attribute); 序号 is the row number
COLUMNS: tuple[tuple[Column, str], ...] = (
    (Column("序号", 8, "number"), ""),
    (Column("姓名", 12, num_format=TEXT), "name"),
    (Column("证件号码", 22, num_format=TEXT), "cert_no_shown"),
    (Column("性别", 6, num_format=TEXT), "gender"),
    (Column("人员类别", 14, num_format=TEXT), "psn_type"),
    (Column("险种", 30, num_format=TEXT), "insutypes"),
    (Column("参保状态", 12, num_format=TEXT), "status"),
    (Column("参保日期", 12, num_format=TEXT), "start_date"),
)
KEYS = tuple(key for _column, key in COLUMNS[1:])


def roster_cells(rows: Iterable[RosterRow]) -> Iterator[list[Cell]]:
    for number, row in enumerate(rows, start=1):
        yield [number, *(neutralise(str(getattr(row, key))) for key in KEYS)]


def xlsx_file(sheet: Sheet) -> IO[bytes]:
    """A one-sheet workbook in a temporary file, positioned at its start; closing it deletes it."""
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
    try:
        write_xlsx(output, [sheet])
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return output


def roster_xlsx(rows: Iterable[RosterRow]) -> IO[bytes]:
    """The workbook in a temporary file, positioned at its start; closing it deletes it."""
    return xlsx_file(Sheet(SHEET, [column for column, _key in COLUMNS], roster_cells(rows)))
