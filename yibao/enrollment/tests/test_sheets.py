"""The 批量参保登记 file: template, reader (every bad cell gets its message) and failure export.

The reader's checks of the file itself (not a workbook, encrypted, formulas, zip bombs, header,
sheets, row limit) are tested with the reader in yibao/core/tests/test_spreadsheets_reader.py."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest
import python_calamine

from yibao.core.spreadsheets.cells import Problem
from yibao.core.tests import spreadsheet_files
from yibao.demo.numbers import make_id_number
from yibao.enrollment.policies import limits_for
from yibao.enrollment.rules import row_problems
from yibao.enrollment.sheets import (
    CODE_SHEET,
    HELP_SHEET,
    SCIENTIFIC_ID,
    SHEET,
    TITLES,
    SheetRead,
    enrollment_template_xlsx,
    failures_xlsx,
    read_enrollment_file,
)

pytestmark = pytest.mark.django_db

HEADER = [
    f"*{t}"
    if t in {"证件类型", "证件号码", "姓名", "人员类别", "用工形式", "险种", "参保日期", "月缴费基数"}
    else t
    for t in TITLES
]
TODAY = datetime.date(2026, 11, 23)
ID_1 = make_id_number("530102", datetime.date(1990, 5, 17), 3)
ID_2 = make_id_number("530102", datetime.date(1992, 8, 1), 4)


def good_row(cert_no: object = ID_1, **changes: Any) -> list[Any]:
    values: dict[str, Any] = {
        "证件类型": "01 居民身份证(户口簿)",
        "证件号码": cert_no,
        "姓名": "王芳",
        "性别": "",
        "出生日期": "",
        "民族": "01 汉族",
        "国籍": "CHN",
        "手机号码": "13800001234",
        "联系地址": "昆明市西山区滇池路1号",
        "首次参加工作日期": datetime.date(2015, 7, 1),
        "人员类别": "1101 职工在职",
        "用工形式": "1 合同制",
        "险种": "310,510",
        "参保日期": datetime.date(2026, 11, 1),
        "月缴费基数": 6000,
    }
    values.update(changes)
    return [values[title] for title in TITLES]


def workbook(
    rows: Sequence[Sequence[Any]],
    *,
    header: Sequence[str] = HEADER,
    sheets: Sequence[str] = (),
    extra: Callable[[Any, Any], None] | None = None,
) -> bytes:
    """A 批量参保登记 file: the core test helper with this layout's sheet and header."""
    return spreadsheet_files.workbook(rows, header=header, sheet_name=SHEET, sheets=sheets, extra=extra)


def read(data: bytes, max_rows: int = 100) -> SheetRead:
    return read_enrollment_file(data, max_rows=max_rows)


def messages(result: SheetRead) -> list[str]:
    return [f"第{p.row}行 {p.column}：{p.message}" for p in result.problems]


# --- template ------------------------------------------------------------------------------------


def test_the_template_has_the_fixed_header_dropdowns_and_instructions() -> None:
    data = enrollment_template_xlsx(rows=100_000)
    book = python_calamine.CalamineWorkbook.from_object(io.BytesIO(data))
    assert book.sheet_names == [SHEET, HELP_SHEET, CODE_SHEET]
    assert book.get_sheet_by_name(SHEET).to_python()[0] == HEADER
    instructions = [row[0] for row in book.get_sheet_by_name(HELP_SHEET).to_python()]
    assert (
        "1. 编辑时从第二行开始填写，不得修改模板文件第一行（表头），不得增加、删除或调整列的顺序。"
        in instructions
    )
    codes = book.get_sheet_by_name(CODE_SHEET).to_python()
    assert codes[0][:5] == ["证件类型", "性别", "民族", "人员类别", "用工形式"]
    assert "01 汉族" in [row[2] for row in codes]
    assert [m.visible for m in book.sheets_metadata][2] == python_calamine.SheetVisibleEnum.Hidden

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
    validations = re.findall(r'<dataValidation type="(\w+)"[^>]*sqref="([A-Z]+)2:[A-Z]+\d+"', sheet_xml)
    assert ("list", "A") in validations  # 证件类型
    assert {col for kind, col in validations if kind == "list"} == {"A", "D", "F", "K", "L", "M"}
    assert f"<formula1>'{CODE_SHEET}'!$C$2:$C$" in sheet_xml  # 民族 from the hidden sheet
    assert 'formatCode="@"' in styles  # the ID column is text
    assert 'formatCode="yyyy-mm-dd"' in styles
    assert 'rgb="FFC00000"' in styles  # mandatory titles in red
    # issue 20 item 14: the dropdowns and date checks cover every row a file may hold
    assert set(re.findall(r'sqref="[A-Z]+2:[A-Z]+(\d+)"', sheet_xml)) == {"100001"}
    assert "11. 每个文件最多填写100000行数据（第2行至第100001行），超出请分成多个文件导入。" in instructions
    # 人员类别 offers the employees' categories only (在职, 退休, 离休)
    psn_types = [row[3] for row in codes[1:] if row[3]]
    assert "1101 职工在职" in psn_types and "1300 离休人员" in psn_types
    assert not [code for code in psn_types if code[:2] in {"14", "15"}]


def test_the_template_reads_back_as_an_empty_file() -> None:
    assert read(enrollment_template_xlsx(rows=100_000)).error == "文件中没有数据，请从第二行开始填写"


# --- reader: the happy path ----------------------------------------------------------------------


def test_a_filled_template_reads_into_rows() -> None:
    result = read(
        workbook(
            [
                good_row(),
                ["", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],  # a blank row is skipped
                good_row(ID_2, 证件类型="居民身份证(户口簿)", 民族="汉族", 险种="310", 参保日期="2026/11/01"),
            ]
        )
    )
    assert result.error == "" and result.problems == []
    assert [r.row for r in result.rows] == [2, 4]
    first = result.rows[0].data
    assert (first.cert_type, first.cert_no, first.name, first.nation, first.psn_type, first.emp_form) == (
        "01", ID_1, "王芳", "01", "1101", "1",
    )  # fmt: skip
    assert first.insutypes == ("310", "510") and first.base == Decimal("6000.00")
    assert first.start_date == datetime.date(2026, 11, 1)
    assert first.first_work_date == datetime.date(2015, 7, 1)
    assert result.rows[1].data.start_date == datetime.date(2026, 11, 1)
    assert result.rows[1].cells[1] == ID_2


def test_a_template_filled_in_reads() -> None:
    template = enrollment_template_xlsx(rows=100_000)
    assert read(template).error  # sanity: empty
    rows = workbook([good_row()], sheets=(HELP_SHEET, CODE_SHEET))
    assert read(rows).error == ""


# --- reader: bad cells ---------------------------------------------------------------------------


def test_dates_in_text_are_read_or_named() -> None:
    result = read(
        workbook(
            [
                good_row(参保日期="2026-11-01", 首次参加工作日期="20150701"),
                good_row(ID_2, 参保日期="2026年11月", 首次参加工作日期="2015.7"),
            ]
        )
    )
    assert result.rows[0].data.start_date == datetime.date(2026, 11, 1)
    assert result.rows[0].data.first_work_date == datetime.date(2015, 7, 1)
    assert result.rows[0].problems == []
    assert messages(result) == [
        "第3行 首次参加工作日期：首次参加工作日期「2015.7」不是日期，请填写如 2026-11-01、2026/11/01 或 20261101",
        "第3行 参保日期：参保日期「2026年11月」不是日期，请填写如 2026-11-01、2026/11/01 或 20261101",
    ]


def test_ids_turned_into_numbers_by_excel_are_explained() -> None:
    result = read(
        workbook([good_row(5.30102199005e17), good_row(int(ID_2[:17] + "0")), good_row("5.30102E+17")])
    )
    assert messages(result) == [
        f"第2行 证件号码：{SCIENTIFIC_ID}",
        f"第3行 证件号码：{SCIENTIFIC_ID}",
        f"第4行 证件号码：{SCIENTIFIC_ID}",
    ]
    assert SCIENTIFIC_ID == "证件号码被Excel转换为数字（科学计数法），请将该列设置为文本格式后重新填写"


def test_full_width_characters_and_stray_spaces_are_normalised() -> None:
    full_width = ID_1.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    result = read(
        workbook(
            [
                good_row(
                    f"　{full_width[:6]} {full_width[6:]} ",
                    姓名=" 王  芳 ",
                    手机号码="１３８ ００００ １２３４",
                    险种="３１０，５１０",
                    月缴费基数="６，０００．００",
                    证件类型=" 01 ",
                    人员类别="职工在职 ",
                    国籍="ｃｈｎ",
                )
            ]
        )
    )
    assert result.problems == []
    data = result.rows[0].data
    assert row_problems(data, limits_for("530102", TODAY)) == []  # the rules normalise the rest
    assert (data.cert_no, data.name, data.mobile, data.nationality) == (ID_1, "王芳", "13800001234", "CHN")
    assert (data.insutypes, data.base, data.cert_type, data.psn_type) == (
        ("310", "510"),
        Decimal("6000.00"),
        "01",
        "1101",
    )


def test_coded_columns_accept_code_name_or_both_and_name_the_bad_ones() -> None:
    result = read(
        workbook(
            [
                good_row(民族=1, 性别="女", 证件类型="01", 险种="310 职工基本医疗保险"),
                good_row(ID_2, 民族="火星族", 性别="X", 险种="310,999", 人员类别=""),
            ]
        )
    )
    first = result.rows[0].data
    assert (first.nation, first.gender, first.cert_type, first.insutypes) == ("01", "2", "01", ("310",))
    assert messages(result) == [
        "第3行 性别：「X」不是有效的性别，请从下拉列表中选择",
        "第3行 民族：「火星族」不是有效的民族，请从下拉列表中选择",
        "第3行 人员类别：请选择人员类别",
        "第3行 险种：「999」不是有效的险种代码",
    ]


# --- failure export ------------------------------------------------------------------------------


def test_failures_export_with_the_reason_and_neutralised_cells() -> None:
    result = read(
        workbook(
            [
                good_row(姓名='=HYPERLINK("http://x","点我")', 联系地址="+86 滇池路", 手机号码="@SUM(1)"),
                good_row(ID_2, 姓名="-王芳", 参保日期="下个月"),
            ]
        )
    )
    rows = result.rows
    rows[0].problems.append(Problem("险种", "该人员已在本单位参保（险种310），无需重复登记"))
    data = failures_xlsx(rows)
    book = python_calamine.CalamineWorkbook.from_object(io.BytesIO(data))
    assert book.sheet_names == [SHEET]
    table = book.get_sheet_by_name(SHEET).to_python()
    assert table[0] == [*HEADER, "错误原因"]
    assert table[1][2] == '\'=HYPERLINK("http://x","点我")'
    assert table[1][8] == "'+86 滇池路"
    assert table[1][7] == "'@SUM(1)"
    assert table[1][1] == ID_1  # text, all 18 digits
    # the reader says what parsing finds; the 姓名 and 手机号码 are the rules' (batch_validate)
    assert table[1][15] == "险种：该人员已在本单位参保（险种310），无需重复登记"
    assert table[2][2] == "'-王芳"
    assert table[2][15].startswith("参保日期：参保日期「下个月」不是日期")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()

    # The export is a template again: corrected, it reads back (the reason column is ignored,
    # the apostrophes before = + - @ are taken off).
    again = read(data)
    assert again.error == ""
    assert again.rows[0].data.name == '=HYPERLINK("http://x","点我")'
    assert again.rows[1].data.name == "-王芳"
