"""The workbooks made from a layout: the 下载模板 and the 导出失败数据, which reads back."""

from __future__ import annotations

import io
import re
import zipfile

import python_calamine

from yibao.core.spreadsheets.cells import Problem
from yibao.core.spreadsheets.failures import failures_xlsx
from yibao.core.spreadsheets.layout import CODE_SHEET, HELP_SHEET, Column, SheetLayout
from yibao.core.spreadsheets.template import template_xlsx
from yibao.core.tests.spreadsheet_files import HEADER, LAYOUT, SHEET, good_row, read, workbook


def _book(data: bytes) -> python_calamine.CalamineWorkbook:
    return python_calamine.CalamineWorkbook.from_object(io.BytesIO(data))


def _part(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode()


def test_the_template_has_the_fixed_header_dropdowns_and_instructions() -> None:
    data = template_xlsx(LAYOUT, rows=100_000)
    book = _book(data)
    assert book.sheet_names == [SHEET, HELP_SHEET, CODE_SHEET]
    assert book.get_sheet_by_name(SHEET).to_python()[0] == HEADER
    assert [m.visible for m in book.sheets_metadata][2] == python_calamine.SheetVisibleEnum.Hidden
    assert [row[0] for row in book.get_sheet_by_name(CODE_SHEET).to_python()] == [
        "类别", "1 甲类", "2 乙类", "10 丙类",
    ]  # fmt: skip
    instructions = [row[0] for row in book.get_sheet_by_name(HELP_SHEET).to_python()]
    assert instructions[:2] == list(LAYOUT.instructions)
    # the dropdowns cover every row a file may hold (issue 20 item 14: they stopped at 50,001)
    assert instructions[2] == "2. 每个文件最多填写100000行数据（第2行至第100001行），超出请分成多个文件导入。"
    assert instructions[-5:] == [
        "编号：必填，文本",
        "名称：必填，文本",
        "类别：选填，下拉选择",
        "日期：选填，日期",
        "金额：选填，数值",
    ]

    sheet_xml = _part(data, "xl/worksheets/sheet1.xml")
    styles = _part(data, "xl/styles.xml")
    validations = re.findall(r'<dataValidation type="(\w+)"[^>]*sqref="([A-Z]+)2:[A-Z]+100001"', sheet_xml)
    assert validations == [("list", "C"), ("date", "D")]
    assert f"<formula1>'{CODE_SHEET}'!$A$2:$A$4</formula1>" in sheet_xml
    assert 'promptTitle="类别" prompt="请从下拉列表中选择类别"' in sheet_xml
    assert '<col min="1" max="1" width="18.7109375"' in sheet_xml  # the column's own width
    assert (
        'formatCode="@"' in styles and 'formatCode="yyyy-mm-dd"' in styles and 'formatCode="0.00"' in styles
    )
    assert 'rgb="FFC00000"' in styles  # mandatory titles in red
    assert '<pane ySplit="1"' in sheet_xml  # the header stays in view


def test_the_template_reads_back_as_an_empty_file() -> None:
    assert read(template_xlsx(LAYOUT, rows=100_000)).error == "文件中没有数据，请从第二行开始填写"


def test_a_column_of_several_codes_suggests_and_says_its_own_prompt() -> None:
    choices = (("310", "职工基本医疗保险"), ("510", "生育保险"))
    layout = SheetLayout(
        "险种",
        (
            Column("a", "险种", kind="codes", choices=choices),
            Column("b", "险种2", kind="codes", choices=choices, prompt="如 310,510", described="险种代码"),
        ),
        ("说明",),
    )
    data = template_xlsx(layout, rows=10, options={"b": ["310,510", "310"]})
    sheet_xml = _part(data, "xl/worksheets/sheet1.xml")
    assert sheet_xml.count('errorStyle="information"') == 2  # the list suggests, it does not refuse
    assert 'prompt="可填写多个代码，用英文逗号分隔"' in sheet_xml and 'prompt="如 310,510"' in sheet_xml
    codes = _book(data).get_sheet_by_name(CODE_SHEET).to_python()
    assert [row[1] for row in codes] == ["险种2", "310,510", "310"]  # the options replace the table
    instructions = [row[0] for row in _book(data).get_sheet_by_name(HELP_SHEET).to_python()]
    assert instructions[-2:] == ["险种：选填，代码，可多个", "险种2：选填，险种代码"]


def test_failures_export_with_the_reason_and_neutralised_cells() -> None:
    result = read(
        workbook(
            [
                good_row("A001", 名称='=HYPERLINK("http://x","点我")', 类别="戊类"),
                good_row("-A002", 名称="@王芳", 日期="下个月"),
            ]
        )
    )
    rows = result.rows
    rows[0].problems.append(Problem("编号", "=编号已存在"))
    data = failures_xlsx(LAYOUT, rows)
    book = _book(data)
    assert book.sheet_names == [SHEET]
    table = book.get_sheet_by_name(SHEET).to_python()
    assert table[0] == [*HEADER, "错误原因"]
    assert table[1][1] == '\'=HYPERLINK("http://x","点我")'
    assert table[1][5] == "类别：「戊类」不是有效的类别，请从下拉列表中选择；编号：=编号已存在"
    assert table[2][:2] == ["'-A002", "'@王芳"]
    assert table[2][5].startswith("日期：日期「下个月」不是日期")
    assert "<f>" not in _part(data, "xl/worksheets/sheet1.xml")

    # The export is a template again: corrected, it reads back (the reason column is ignored,
    # the apostrophes before = + - @ are taken off).
    again = read(data)
    assert again.error == ""
    assert [row.data.name for row in again.rows] == ['=HYPERLINK("http://x","点我")', "@王芳"]
    assert again.rows[1].data.code == "-A002"


def test_a_reason_that_starts_like_a_formula_is_neutralised_too() -> None:
    rows = read(workbook([good_row()])).rows
    rows[0].problems.append(Problem("=A1", "x"))
    table = _book(failures_xlsx(LAYOUT, rows)).get_sheet_by_name(SHEET).to_python()
    assert table[1][5] == "'=A1：x"
