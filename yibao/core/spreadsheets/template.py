"""The 下载模板 workbook of a layout (xlsxwriter, in memory).

A fixed first row with the mandatory titles marked «*» in red, cells formatted by the columns'
kinds (text, so that Excel keeps long numbers as written; dates; numbers with two decimals),
dropdowns whose lists sit on a hidden 代码表 sheet, and a 填写说明 sheet.
"""

from __future__ import annotations

import datetime
import io

import xlsxwriter

from yibao.core.spreadsheets.layout import CODE_SHEET, HELP_SHEET, Column, SheetLayout, column_choices

KINDS = {"code": "下拉选择", "codes": "代码，可多个", "date": "日期", "number": "数值"}


def _prompt(column: Column) -> str:
    if column.prompt:
        return column.prompt
    if column.kind == "codes":
        return "可填写多个代码，用英文逗号分隔"
    return f"请从下拉列表中选择{column.title}"


def template_xlsx(layout: SheetLayout, *, rows: int, options: dict[str, list[str]] | None = None) -> bytes:
    """The 下载模板 file for up to `rows` data rows (the most one file may hold): its dropdowns
    and date checks cover them all, rows 2 to `rows` + 1. `options`: a coded column's dropdown
    values by column key, where the default «代码 名称» list of its table is not what the unit
    should pick from."""
    options = options or {}
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center"})
    required = book.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center", "font_color": "#C00000"}
    )
    text = book.add_format({"num_format": "@"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    money = book.add_format({"num_format": "0.00"})

    sheet = book.add_worksheet(layout.sheet)
    help_sheet = book.add_worksheet(HELP_SHEET)
    codes = book.add_worksheet(CODE_SHEET)
    codes.hide()

    # The code lists, one column per coded column, referenced by the dropdowns.
    lists: dict[str, str] = {}
    code_column = 0
    for column in layout.columns:
        if not column.coded:
            continue
        values = options.get(column.key) or [f"{code} {label}" for code, label in column_choices(column)]
        codes.write_string(0, code_column, column.title)
        for position, value in enumerate(values, start=1):
            codes.write_string(position, code_column, value)
        letter = xlsxwriter.utility.xl_col_to_name(code_column)
        lists[column.key] = f"='{CODE_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        code_column += 1

    for index, column in enumerate(layout.columns):
        title = f"*{column.title}" if column.required else column.title
        sheet.write_string(0, index, title, required if column.required else header)
        cell_format = {"date": date, "number": money}.get(column.kind, text)
        sheet.set_column(index, index, column.width, cell_format)
        if column.key in lists:
            sheet.data_validation(
                1, index, rows, index,
                {
                    "validate": "list",
                    "source": lists[column.key],
                    # Several codes in one cell: the list suggests, it does not refuse.
                    "error_type": "information" if column.kind == "codes" else "stop",
                    "error_title": column.title,
                    "error_message": f"请从下拉列表中选择{column.title}",
                    "input_title": column.title,
                    "input_message": _prompt(column),
                },
            )  # fmt: skip
        elif column.kind == "date":
            sheet.data_validation(
                1, index, rows, index,
                {
                    "validate": "date",
                    "criteria": "between",
                    "minimum": datetime.date(1900, 1, 1),
                    "maximum": datetime.date(2100, 12, 31),
                    "error_type": "warning",
                    "error_message": "请填写日期，如 2026-11-01",
                },
            )  # fmt: skip
    sheet.freeze_panes(1, 0)

    help_sheet.set_column(0, 0, 110)
    title_format = book.add_format({"bold": True, "font_size": 14})
    for position, line in enumerate(layout.instructions):
        help_sheet.write_string(position, 0, line, title_format if position == 0 else None)
    end = len(layout.instructions)
    help_sheet.write_string(
        end, 0, f"{end}. 每个文件最多填写{rows}行数据（第2行至第{rows + 1}行），超出请分成多个文件导入。"
    )
    help_sheet.write_string(end + 2, 0, "各列说明：", title_format)
    for position, column in enumerate(layout.columns, start=end + 3):
        note = "必填" if column.required else "选填"
        kind = column.described or KINDS.get(column.kind, "文本")
        help_sheet.write_string(position, 0, f"{column.title}：{note}，{kind}")
    book.close()
    return buffer.getvalue()
