"""The streaming xlsx writer: a valid package that calamine, openpyxl (and LibreOffice where the
machine has it) read back with the right cells, text kept as text, and rows consumed lazily."""

from __future__ import annotations

import csv
import io
import math
import shutil
import subprocess
import zipfile
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from yibao.core.spreadsheets.streaming import (
    Cell,
    Column,
    Sheet,
    XlsxStreamError,
    column_letters,
    write_xlsx,
)

COLUMNS = (
    Column("名称", 20),
    Column("金额", 14, "number", "#,##0.00"),
    Column("备注", 30),
)
ILLEGAL = "".join(chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF))


def _book(rows: Sequence[Sequence[Cell]], columns: Sequence[Column] = COLUMNS, name: str = "明细") -> bytes:
    target = io.BytesIO()
    write_xlsx(target, [Sheet(name, columns, rows)])
    return target.getvalue()


def _calamine(data: bytes, name: str = "明细") -> list[list[Any]]:
    return CalamineWorkbook.from_object(io.BytesIO(data)).get_sheet_by_name(name).to_python()


def test_the_package_is_a_valid_zip_of_well_formed_parts() -> None:
    data = _book([("甲", Decimal("1.50"), "x")])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert sorted(archive.namelist()) == [
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
            "xl/workbook.xml",
            "xl/worksheets/sheet1.xml",
        ]
        for name in archive.namelist():
            ElementTree.fromstring(archive.read(name))  # noqa: S314 - our own output; raises if malformed
        types = archive.read("[Content_Types].xml").decode()
        assert 'PartName="/xl/worksheets/sheet1.xml"' in types
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' in sheet
    assert "<f>" not in sheet


def test_calamine_reads_the_cells_in_their_columns() -> None:
    rows: list[Sequence[Cell]] = [
        ("甲", Decimal("1234.50"), "第一行"),
        ("乙", 7, None),
        (None, None, "只有备注"),
        ("", 2.25, "名称为空"),
    ]
    assert _calamine(_book(rows)) == [
        ["名称", "金额", "备注"],
        ["甲", 1234.5, "第一行"],
        ["乙", 7.0, ""],
        ["", "", "只有备注"],
        ["", 2.25, "名称为空"],
    ]


def test_openpyxl_sees_styles_widths_frozen_header_and_several_sheets(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    counts = write_xlsx(
        str(target),
        [
            Sheet("明细", COLUMNS, [("甲", Decimal("1234.5"), "x")]),
            Sheet("计数", [Column("数量", 8, "number", "0")], [(1,), (2,)]),
        ],
    )
    assert counts == [1, 2]
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["明细", "计数"]
    sheet = book["明细"]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 20
    assert sheet.column_dimensions["C"].width == 30
    assert sheet["A1"].font.b is True
    assert sheet["A1"].fill.fgColor.rgb == "FFDDEBF7"
    assert sheet["B2"].number_format == "#,##0.00"
    assert sheet["B2"].value == 1234.5
    assert sheet["A2"].number_format == "General"
    assert list(book["计数"].iter_rows(values_only=True)) == [("数量",), (1,), (2,)]
    assert book["计数"]["A2"].number_format == "0"


def test_markup_characters_are_escaped_and_illegal_characters_dropped() -> None:
    text = "a<b>&c\"d'e"
    rows = [(text, 1, f" 前后空格\t{ILLEGAL}\ud800中\r\n")]
    data = _book(rows)
    assert _calamine(data)[1] == [text, 1.0, " 前后空格\t中\r\n"]
    sheet = openpyxl.load_workbook(io.BytesIO(data))["明细"]
    assert sheet["A2"].value == text
    assert sheet["C2"].value == " 前后空格\t中\r\n"


def test_formula_looking_text_stays_text() -> None:
    data = _book([("=1+1", 1, "@SUM(A1)"), ("+cmd|' /C calc'!A0", 2, "-2")])
    assert [row[0] for row in _calamine(data)[1:]] == ["=1+1", "+cmd|' /C calc'!A0"]
    sheet = openpyxl.load_workbook(io.BytesIO(data))["明细"]
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "=1+1"
    assert sheet["C3"].data_type == "s" and sheet["C3"].value == "-2"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=5))
@example(texts=["\x1f\n0"])  # a forbidden character before white space: the space must stay
def test_any_text_reads_back_without_the_characters_xml_forbids(texts: list[str]) -> None:
    rows = [(text, number, text) for number, text in enumerate(texts)]  # "" makes a row sparse
    read = _calamine(_book(rows))[1:]
    expected = ["".join(c for c in text if c not in ILLEGAL) for text in texts]
    assert [row[0] for row in read] == expected
    assert [row[2] for row in read] == expected


@pytest.mark.parametrize(
    "value",
    [math.nan, math.inf, Decimal("NaN"), Decimal("-Infinity"), True, "12"],
)
def test_a_number_column_refuses_what_is_no_finite_number(value: Any) -> None:
    with pytest.raises(XlsxStreamError):
        _book([("x", value, "y")])


@pytest.mark.parametrize("name", ["", "a" * 32, "a/b", "a[1]", "a:b", "a*", "a?", "'a"])
def test_invalid_sheet_names_are_refused(name: str) -> None:
    with pytest.raises(XlsxStreamError):
        _book([("x", 1, "y")], name=name)


def test_rows_of_the_wrong_width_are_refused() -> None:
    with pytest.raises(XlsxStreamError, match="row 3 has 2 values for 3 columns"):
        _book([("x", 1, "y"), ("x", 1)])


def test_column_letters() -> None:
    assert [column_letters(i) for i in (0, 25, 26, 51, 701, 702, 16383)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "ZZ",
        "AAA",
        "XFD",
    ]


def test_large_row_counts_are_streamed_into_the_file(tmp_path: Path) -> None:
    """The rows are taken one at a time and the file grows while they are still coming: the
    writer never holds the sheet (only a batch of rows) in memory."""
    target = tmp_path / "large.xlsx"
    total = 120_000
    sizes: dict[int, int] = {}

    def rows() -> Iterator[tuple[str, int, str]]:
        for number in range(total):
            if number in (20_000, 100_000):
                sizes[number] = target.stat().st_size
            yield (f"人员{number}", number, "备注")

    assert write_xlsx(str(target), [Sheet("明细", COLUMNS, rows())], batch_rows=1_000) == [total]
    assert 0 < sizes[20_000] < sizes[100_000] < target.stat().st_size
    read = _calamine(target.read_bytes())
    assert len(read) == 1 + total
    assert read[-1] == [f"人员{total - 1}", float(total - 1), "备注"]


SOFFICE = shutil.which("soffice")
CSV_UTF8 = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true"  # UTF-8, values as shown


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_converts_it(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    write_xlsx(str(target), [Sheet("明细", COLUMNS, [("甲<&>", Decimal("1234.5"), None), ("=1+1", 2, "x")])])
    subprocess.run(  # noqa: S603 - a fixed command on files of this test
        [str(SOFFICE), "--headless", "--convert-to", CSV_UTF8, "--outdir", str(tmp_path), str(target)],
        check=True,
        capture_output=True,
        timeout=120,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    with (tmp_path / "book.csv").open(encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle)) == [
            ["名称", "金额", "备注"],
            ["甲<&>", "1,234.50", ""],
            ["=1+1", "2.00", "x"],
        ]
