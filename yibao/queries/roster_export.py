"""导出 of the 职工花名册: the sheet whose rows the streaming writer (yibao.core.spreadsheets.streaming)
writes one by one in the export worker (yibao.queries.export_kinds), so a roster of 100,000
persons never sits in memory. ID numbers are shown as the operator's grant allows; no cell can be
taken for a formula."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from yibao.core.spreadsheets.cells import neutralise
from yibao.core.spreadsheets.streaming import Cell, Column, Sheet
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


def roster_sheet(rows: Iterable[RosterRow]) -> Sheet:
    return Sheet(SHEET, [column for column, _key in COLUMNS], roster_cells(rows))
