"""导出失败数据: the rows of a batch file that failed, as written, with the reasons.

The file has the layout's data sheet and one more column, «错误原因»; it is a template again, so
that the corrected rows can be imported (the reader ignores the column). Every text is
neutralised against formula injection.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import xlsxwriter

from yibao.core.spreadsheets.cells import neutralise, problems_text
from yibao.core.spreadsheets.layout import ERROR_TITLE, SheetLayout
from yibao.core.spreadsheets.reader import SheetRow


def failures_xlsx(layout: SheetLayout, rows: Iterable[SheetRow[Any]]) -> bytes:
    """导出失败数据: the failed rows as written, with an «错误原因» column."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    error = book.add_format({"font_color": "#C00000"})
    text = book.add_format({"num_format": "@"})
    sheet = book.add_worksheet(layout.sheet)
    width = layout.width
    for index, column in enumerate(layout.columns):
        sheet.set_column(index, index, column.width, text)
    sheet.set_column(width, width, 60)
    for index, column in enumerate(layout.columns):
        sheet.write_string(0, index, f"*{column.title}" if column.required else column.title, header)
    sheet.write_string(0, width, ERROR_TITLE, header)
    for number, row in enumerate(rows, start=1):
        for index, value in enumerate(row.cells):
            if value:
                sheet.write_string(number, index, neutralise(value), text)
        sheet.write_string(number, width, neutralise(problems_text(row.problems)), error)
    book.close()
    return buffer.getvalue()
