"""Reading catalogue files: CSV (UTF-8, with or without BOM, or GB18030 as Excel saves it) and xlsx.

Both give rows of cell values with their line number in the file (the header is line 1 when it
is the first row), so that every error can say where it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from yibao.catalog.error_codes import CatalogErrorCode
from yibao.core.errors import ApplicationError
from yibao.core.spreadsheets.cells import feed_cell_text

SUFFIXES = {".csv", ".xlsx", ".xls", ".xlsm"}
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass(frozen=True)
class SheetRow:
    line: int
    cells: list[str]


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without «.0», dates as YYYY-MM-DD, yes/no as 是/否."""
    return feed_cell_text(value, booleans=("是", "否"))


def read_rows(path: Path | str, *, name: str | None = None) -> Iterator[SheetRow]:
    """The non-empty rows of the first sheet of `path` (CSV or Excel), as text."""
    path = Path(path)
    suffix = Path(name or path.name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ApplicationError(
            CatalogErrorCode.FILE_TYPE, f"不支持的文件类型“{suffix or '无扩展名'}”，请使用 CSV 或 xlsx 文件"
        )
    if suffix == ".csv":
        yield from _read_csv(path)
    else:
        yield from _read_workbook(path)


def _read_csv(path: Path) -> Iterator[SheetRow]:
    data = path.read_bytes()
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise ApplicationError(
            CatalogErrorCode.FILE_UNREADABLE, "CSV 文件编码无法识别，请另存为 UTF-8 编码的 CSV 文件"
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield SheetRow(reader.line_num, [cell.strip() for cell in cells])
    except csv.Error as error:
        raise ApplicationError(
            CatalogErrorCode.FILE_UNREADABLE, f"第{reader.line_num}行：CSV 格式错误（{error}）"
        ) from error


def _read_workbook(path: Path) -> Iterator[SheetRow]:
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as error:  # calamine raises its own error types for broken files
        raise ApplicationError(
            CatalogErrorCode.FILE_UNREADABLE, "无法读取 Excel 文件，请确认文件未损坏且为 xlsx 格式"
        ) from error
    for index, values in enumerate(rows, start=1):
        cells = [cell_text(value) for value in values]
        if any(cells):
            yield SheetRow(index, cells)
