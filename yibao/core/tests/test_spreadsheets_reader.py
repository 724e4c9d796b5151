"""The batch file reader: the archive checks (every bad file gets its message) and the header and
rows of the data sheet. Moved here from the 批量参保登记 tests; the layout is the tests' own."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from typing import Any

import pytest
import xlsxwriter
from django.test import override_settings

from yibao.core.spreadsheets.archive import FileRefused, workbook_check
from yibao.core.spreadsheets.reader import gc_paused
from yibao.core.tests.spreadsheet_files import HEADER, SHEET, good_row, read, workbook

# --- the happy path ------------------------------------------------------------------------------


def test_a_filled_sheet_reads_into_rows_and_blank_rows_are_skipped() -> None:
    result = read(
        workbook(
            [
                good_row(),
                ["", "", "", "", ""],
                good_row("A002", 类别="乙类", 日期="2026/11/02"),
                good_row("A003", 类别=2, 日期="20261103"),
            ]
        )
    )
    assert result.ok and result.error == "" and result.problems == []
    assert [r.row for r in result.rows] == [2, 4, 5]
    first = result.rows[0]
    assert (first.data.code, first.data.name, first.data.kind, first.data.day) == (
        "A001", "王芳", "1", datetime.date(2026, 11, 1),
    )  # fmt: skip
    assert first.cells == ("A001", "王芳", "1 甲类", "2026-11-01", "6000")
    assert [r.data.kind for r in result.rows] == ["1", "2", "2"]
    assert [r.data.day for r in result.rows][1:] == [datetime.date(2026, 11, 2), datetime.date(2026, 11, 3)]


def test_short_rows_are_padded_to_the_layout() -> None:
    result = read(workbook([["A001", "王芳"]]))
    assert result.rows[0].cells == ("A001", "王芳", "", "", "")


def test_a_header_below_the_first_row_is_refused() -> None:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet(SHEET).write_row(2, 0, HEADER)
    book.close()
    assert read(buffer.getvalue()).error == "第一行应为模板表头，请使用下载的模板，不得修改模板文件第一行"


def test_problems_name_the_row_and_the_column() -> None:
    result = read(workbook([good_row(), good_row("A002", 类别="戊类", 日期="下个月")]))
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (3, "类别", "「戊类」不是有效的类别，请从下拉列表中选择"),
        (3, "日期", "日期「下个月」不是日期，请填写如 2026-11-01、2026/11/01 或 20261101"),
    ]


def test_an_exported_failure_file_reads_again_without_its_reason_column() -> None:
    assert read(workbook([good_row()], header=[*HEADER, "错误原因"])).error == ""


# --- bad files -----------------------------------------------------------------------------------


def test_a_renamed_text_file_is_not_a_workbook() -> None:
    result = read("编号,名称\nA001,王芳\n".encode())
    assert (
        result.error
        == "上传的文件不是Excel工作簿（.xlsx），请使用下载的模板填写后上传（仅修改文件扩展名无效）"
    )
    assert result.rows == [] and not result.ok


def test_an_empty_file_is_refused() -> None:
    assert read(b"").error == "上传的文件是空文件"


@override_settings(YIBAO_UPLOAD_MAX_BYTES=1024 * 1024)
def test_a_file_over_the_upload_limit_is_refused() -> None:
    assert read(b"PK\x03\x04" + b"\0" * (1024 * 1024)).error == "文件大小超过上限（1MB），请分成多个文件导入"


def test_a_renamed_pdf_is_not_a_workbook() -> None:
    assert read(b"%PDF-1.7\n%...").error.startswith("上传的文件不是Excel工作簿")


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert read(buffer.getvalue()).error.startswith("上传的文件不是Excel工作簿")


def test_a_truncated_workbook_is_refused() -> None:
    assert read(workbook([good_row()])[:500]).error == "文件已损坏，无法作为Excel工作簿（.xlsx）打开"


def test_an_encrypted_workbook_is_refused() -> None:
    # Excel saves a password-protected workbook as an OLE2 compound file holding EncryptionInfo.
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    data = header + "EncryptionInfo".encode("utf-16-le") + b"\0" * 1000
    assert read(data).error == "文件设置了密码（已加密），请在Excel中取消密码保护后重新上传"


def test_an_old_xls_file_is_refused() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "Workbook".encode("utf-16-le")
    assert read(data).error == "文件是旧版Excel（.xls）或其他格式，请使用下载的模板（.xlsx）填写后上传"


def test_a_workbook_with_macros_is_refused() -> None:
    data = _rewritten(workbook([good_row()]), add={"xl/vbaProject.bin": b"\0" * 64})
    assert read(data).error == "文件含有宏，请使用下载的模板（.xlsx）填写后上传"


def test_formulas_are_refused_naming_the_cell() -> None:
    def formula(book: Any, sheet: Any) -> None:
        sheet.write_formula(3, 4, "=3000*2", None, 6000)

    result = read(workbook([good_row(), good_row("A002"), good_row("A003")], extra=formula))
    assert result.error == (
        "文件中含有公式（第4行E列（金额）），请将公式单元格复制后「选择性粘贴—数值」再重新上传"
    )


def test_a_changed_header_names_the_columns() -> None:
    header = list(HEADER)
    header[1], header[3] = "名字", "时间"
    result = read(workbook([good_row()], header=header))
    assert result.error == (
        "表头与模板不一致（不得修改模板文件第一行）：B列应为「名称」，文件中为「名字」；D列应为「日期」，文件中为「时间」"
    )


def test_an_extra_column_is_named() -> None:
    result = read(workbook([good_row()], header=[*HEADER, "备注"]))
    assert result.error == "表头与模板不一致（不得修改模板文件第一行）：F列多出「备注」"


def test_extra_sheets_are_named() -> None:
    result = read(workbook([good_row()], sheets=("Sheet2", "工资表")))
    assert result.error == "文件中有模板以外的工作表「Sheet2」、「工资表」，请删除后重新上传"


def test_the_template_sheets_are_allowed() -> None:
    assert read(workbook([good_row()], sheets=("填写说明", "代码表"))).error == ""


def test_a_sheet_named_twice_is_refused() -> None:
    """A reader takes the first of two sheets of one name: the checks must not look at the other."""
    data = _rewritten(
        workbook([good_row()]),
        change={
            "xl/workbook.xml": lambda xml: re.sub(
                rb"(<sheet [^>]*/>)", lambda m: m.group(1) * 2, xml, count=1
            )
        },
    )
    assert read(data).error == "文件中有重名的工作表「名单」，请删除多余的工作表后重新上传"


def test_a_file_without_the_sheet_is_refused() -> None:
    data = workbook([good_row()], sheet_name="Sheet1")
    assert read(data).error == "文件中没有「名单」工作表，请使用下载的模板填写"


def test_a_sheet_without_rows_is_refused() -> None:
    assert read(workbook([])).error == "文件中没有数据，请从第二行开始填写"


def test_too_many_rows_are_refused_with_the_limit() -> None:
    rows = [good_row(f"A{n:03}") for n in range(6)]
    assert read(workbook(rows[:5]), max_rows=5).error == ""
    assert (
        read(workbook(rows), max_rows=5).error
        == "文件数据超过5行的上限，请分成多个文件导入（每个文件最多5行）"
    )


def test_rows_without_values_do_not_count_against_the_limit() -> None:
    def formatted(book: Any, sheet: Any) -> None:
        for row in range(10, 40):  # formatted but empty: row tags without values
            sheet.set_row(row, 20)

    assert read(workbook([good_row()], extra=formatted), max_rows=2).error == ""


def test_a_zip_bomb_is_refused_before_it_is_inflated() -> None:
    valid = workbook([good_row()])
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(valid)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for info in source.infolist():
            bomb.writestr(info.filename, source.read(info.filename))
        with bomb.open("xl/media/zeros.bin", "w") as zeros:
            block = b"\0" * (1024 * 1024)
            for _ in range(300):  # 300 MB of zeros, ~300 kB compressed
                zeros.write(block)
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024
    assert (
        read(data).error == "文件解压后的内容异常巨大（疑似压缩炸弹），已拒绝处理，请使用下载的模板重新填写"
    )


def test_a_small_part_with_a_huge_ratio_is_a_bomb_too() -> None:
    data = _rewritten(
        workbook([good_row()]), add={"xl/sharedStrings2.xml": b" " * (20 * 1024 * 1024)}, deflate=True
    )
    assert read(data).error.startswith("文件解压后的内容异常巨大（疑似压缩炸弹）")


# --- the container checks alone ------------------------------------------------------------------


def test_workbook_check_passes_a_workbook_and_refuses_the_rest() -> None:
    workbook_check(workbook([good_row()]))
    with pytest.raises(FileRefused, match="不是Excel工作簿"):
        workbook_check(b"not a workbook")
    with pytest.raises(FileRefused, match="已损坏"):
        workbook_check(workbook([good_row()])[:500])


def test_gc_paused_restores_the_collector() -> None:
    import gc

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def _rewritten(
    data: bytes,
    *,
    add: dict[str, bytes] | None = None,
    change: dict[str, Any] | None = None,
    deflate: bool = False,
) -> bytes:
    """The workbook's archive written again, with parts added or changed."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED) as target,
    ):
        for info in source.infolist():
            content = source.read(info)
            if change and info.filename in change:
                content = change[info.filename](content)
            if deflate:
                target.writestr(info.filename, content)
            else:
                target.writestr(info, content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


# --- values beyond the template's reach (a dense reader would allocate up to them) ----------------

REACH = "超出模板范围（数据应在A至J列、第2至1101行之间），请删除模板以外的内容后重新上传"


def test_a_value_far_to_the_right_is_refused_before_it_is_read() -> None:
    def far(book: Any, sheet: Any) -> None:
        sheet.write_string(2, 16_383, "备注")  # column XFD

    assert read(workbook([good_row(), good_row("A002")], extra=far)).error == f"第3行XFD列有内容，{REACH}"


def test_a_value_far_below_is_refused_before_it_is_read() -> None:
    def far(book: Any, sheet: Any) -> None:
        sheet.write_string(1_048_575, 0, "A999")

    assert read(workbook([good_row()], extra=far)).error == f"第1048576行有内容，{REACH}"


def test_notes_beside_the_template_and_blank_rows_between_are_allowed() -> None:
    def near(book: Any, sheet: Any) -> None:
        sheet.write_string(1, 9, "备注：已核对")  # column J: the template's five and five more
        sheet.write_string(1_100, 0, "A1101")  # row 1101, the last within reach (max_rows + 1 + 1000)
        bold = book.add_format({"bold": True})
        sheet.write_blank(5_000, 20, None, bold)  # formatted but empty cells are no values
        sheet.write_blank(1, 16_383, None, bold)

    result = read(workbook([good_row()], extra=near))
    assert result.error == ""
    assert [r.row for r in result.rows] == [2, 1101]


def test_a_row_of_cells_without_references_is_bounded_by_the_template() -> None:
    """Cells without `r` stand one after another: a row of 11 reaches past column J."""
    cells = "".join(f"<c t='inlineStr'><is><t>{n}</t></is></c>" for n in range(11))

    def unplaced(xml: bytes) -> bytes:
        return xml.replace(b"</sheetData>", f'<row r="3">{cells}</row></sheetData>'.encode())

    data = _rewritten(workbook([good_row()]), change={"xl/worksheets/sheet1.xml": unplaced})
    assert read(data).error == "有一行含11个单元格，超出模板范围（A至J列），请删除模板以外的内容后重新上传"
    fewer = "".join(f"<c t='inlineStr'><is><t>{n}</t></is></c>" for n in range(5))
    data = _rewritten(
        workbook([good_row()]),
        change={
            "xl/worksheets/sheet1.xml": lambda xml: xml.replace(
                b"</sheetData>", f'<row r="3">{fewer}</row></sheetData>'.encode()
            )
        },
    )
    assert read(data).error == ""


def test_a_far_value_after_what_sends_the_scan_row_by_row_is_still_refused() -> None:
    """Formatted empty rows beyond the row limit send the scan to its careful pass; a value far
    to the right after them must be found there too."""

    def rows_then_far(book: Any, sheet: Any) -> None:
        for row in range(10, 200):  # row tags without values: more tags than allowed rows
            sheet.set_row(row, 20)
        sheet.write_string(250, 16_383, "x")

    assert read(workbook([good_row()], extra=rows_then_far), max_rows=50).error.startswith(
        "第251行XFD列有内容"
    )


def test_a_feed_file_is_read_by_its_extension_with_the_users_messages() -> None:
    from yibao.core.spreadsheets.feeds import feed_lines

    assert list(feed_lines("编码,名称\r\nA1,甲\r\n".encode(), name="feed.CSV", again="导入")) == [
        (1, ["编码", "名称"]), (2, ["A1", "甲"]),
    ]  # fmt: skip
    header = next(feed_lines(workbook([good_row()]), name="f.xlsx", again="导入"))
    assert header == (1, HEADER)
    with pytest.raises(FileRefused, match="文件类型应为 CSV"):
        feed_lines(b"x", name="feed.txt", again="导入")
    with pytest.raises(FileRefused, match=r"后重新同步$"):
        feed_lines("编码".encode("gbk"), name="feed.csv", again="同步")
    with pytest.raises(FileRefused, match="第2行：CSV 格式错误"):
        list(
            feed_lines(b"a,b\n" + b"x" * 200_000 + b"\n", name="feed.csv", again="导入")
        )  # over csv's field limit


def test_the_pattern_of_rows_past_the_reach_matches_exactly_the_numbers_above() -> None:
    from yibao.core.spreadsheets.archive import _above

    for limit in (0, 9, 10, 99, 1101, 51001, 100999):
        pattern = re.compile(_above(limit))
        for number in (*range(0, 1200), limit - 1, limit, limit + 1, limit * 10, 1_048_576):
            if number >= 0:
                assert (pattern.fullmatch(str(number)) is not None) == (number > limit), (limit, number)
