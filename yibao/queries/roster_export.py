"""导出 of the 职工花名册: an .xlsx written row by row (xlsxwriter constant_memory) into a
temporary file that the response then streams, so a roster of 100,000 persons never sits in
memory. ID numbers are masked as on the page; no cell can be taken for a formula."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import IO

import xlsxwriter

from yibao.enrollment.sheets import neutralise
from yibao.queries.roster import RosterRow

SHEET = "职工花名册"
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("序号", "", 8),
    ("姓名", "name", 12),
    ("证件号码", "cert_no_shown", 22),
    ("性别", "gender", 6),
    ("人员类别", "psn_type", 14),
    ("险种", "insutypes", 30),
    ("参保状态", "status", 12),
    ("参保日期", "start_date", 12),
)


def roster_xlsx(rows: Iterable[RosterRow]) -> IO[bytes]:
    """The workbook in a temporary file, positioned at its start; closing it deletes it."""
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the response
    book = xlsxwriter.Workbook(output, {"constant_memory": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = book.add_format({"num_format": "@"})
    sheet = book.add_worksheet(SHEET)
    for index, (_title, _key, width) in enumerate(COLUMNS):
        sheet.set_column(index, index, width, text)
    for index, (title, _key, _width) in enumerate(COLUMNS):
        sheet.write_string(0, index, title, header)
    for number, row in enumerate(rows, start=1):
        sheet.write_number(number, 0, number)
        for index, (_title, key, _width) in enumerate(COLUMNS[1:], start=1):
            value = str(getattr(row, key))
            if value:
                sheet.write_string(number, index, neutralise(value), text)
    sheet.freeze_panes(1, 0)
    book.close()
    output.seek(0)
    return output
