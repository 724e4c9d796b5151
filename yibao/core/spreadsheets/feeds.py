"""Reading a machine-made feed file (the contribution feed, the 贯标平台 institution sync): a CSV
in UTF-8 or an xlsx workbook, chosen by the file name's extension, as (line number, raw cells)
pairs, header first. The xlsx gets every archive check (`archive.workbook_check`) before calamine
opens it. A refusal is a `FileRefused` whose message is for the user; it may come while the
lines are being read (a CSV broken halfway), so callers wrap the whole reading.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import python_calamine

from yibao.core.spreadsheets.archive import FileRefused, workbook_check


def feed_lines(data: bytes, *, name: str, again: str) -> Iterator[tuple[int, list[Any]]]:
    """The lines of the file; `again` is what the user does after fixing it (导入, 同步)."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == "csv":
        return _csv_lines(data, again=again)
    if suffix == "xlsx":
        return _xlsx_lines(data)
    raise FileRefused("文件类型应为 CSV（UTF-8 编码）或 xlsx")


def _csv_lines(data: bytes, *, again: str) -> Iterator[tuple[int, list[Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(f"CSV 文件不是 UTF-8 编码，请另存为「CSV UTF-8」后重新{again}") from None
    return _csv_rows(csv.reader(io.StringIO(text, newline="")))


def _csv_rows(reader: Any) -> Iterator[tuple[int, list[Any]]]:
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as error:
        raise FileRefused(f"第{reader.line_num}行：CSV 格式错误（{error}）") from error


def _xlsx_lines(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    workbook_check(data)
    try:
        sheet = python_calamine.CalamineWorkbook.from_object(io.BytesIO(data)).get_sheet_by_index(0)
        first = (sheet.start or (0, 0))[0] + 1
        values = sheet.iter_rows()
    except Exception:  # calamine's own error types for a broken workbook
        raise FileRefused("无法读取 Excel 文件，请确认文件未损坏且为 xlsx 格式") from None
    return enumerate(values, start=first)
