"""Spreadsheet files of the hall's batch services (批量参保登记, 批量文件中断): what they share.

A `SheetLayout` names a file's data sheet and its columns. From it come the 下载模板 workbook
(xlsxwriter: a fixed first row, mandatory columns marked with «*» in red, dropdowns whose lists
sit on a hidden sheet, an instructions sheet), the reader and the 导出失败数据 workbook.

The reader checks the file as a zip archive before python-calamine sees it (not a zip, an
encrypted workbook, a zip bomb, formulas, too many rows, extra sheets), checks the header, and
hands each non-empty row to the caller's parser; the cell helpers (`cell_text`, `parse_date`,
`Lookups`) normalise what people type (full-width characters, stray spaces, «代码 名称»).
"""

from __future__ import annotations

import datetime
import gc
import html
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import python_calamine
import xlsxwriter
from django.conf import settings

from yibao.core.reference import code_choices
from yibao.core.validators._text import to_halfwidth
from yibao.enrollment.rules import Problem

HELP_SHEET = "填写说明"
CODE_SHEET = "代码表"
ERROR_TITLE = "错误原因"
TEMPLATE_ROWS = 50_000  # rows covered by formats and dropdowns in the template

# A workbook expands to at most this much, and no part by more than MAX_RATIO (a real sheet
# compresses about 5 to 15 times; a run of zeros a thousand times and more).
MAX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024  # parts smaller than this are not judged by their ratio
CHUNK = 1024 * 1024

CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
SCIENTIFIC_ID = "证件号码被Excel转换为数字（科学计数法），请将该列设置为文本格式后重新填写"
NOT_XLSX = "上传的文件不是Excel工作簿（.xlsx），请使用下载的模板填写后上传（仅修改文件扩展名无效）"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    required: bool = False
    table: str = ""  # the code table of a coded column
    kind: str = "text"  # text, code, codes, date, number
    choices: tuple[tuple[str, str], ...] = ()  # a coded column's own list, instead of a table

    @property
    def coded(self) -> bool:
        return bool(self.table or self.choices)


def column_choices(column: Column) -> list[tuple[str, str]]:
    return list(column.choices) if column.choices else list(code_choices(column.table))


@dataclass(frozen=True)
class SheetLayout:
    """One kind of batch file: its data sheet, its columns and the lines of its 填写说明."""

    sheet: str
    columns: tuple[Column, ...]
    instructions: tuple[str, ...]

    @property
    def titles(self) -> tuple[str, ...]:
        return tuple(c.title for c in self.columns)

    @property
    def width(self) -> int:
        return len(self.columns)

    @property
    def sheets(self) -> tuple[str, ...]:
        return (self.sheet, HELP_SHEET, CODE_SHEET)


# --- template ------------------------------------------------------------------------------------


def template_xlsx(layout: SheetLayout, *, options: dict[str, list[str]] | None = None) -> bytes:
    """The 下载模板 file. `options`: a coded column's dropdown values by column key, where the
    default «代码 名称» list of its table is not what the unit should pick from."""
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
        width = 18 if column.key in {"cert_no", "address", "first_work_date"} else 13
        sheet.set_column(index, index, width, cell_format)
        if column.key in lists:
            sheet.data_validation(
                1, index, TEMPLATE_ROWS, index,
                {
                    "validate": "list",
                    "source": lists[column.key],
                    # 险种 may hold several codes: the list suggests, it does not refuse.
                    "error_type": "information" if column.kind == "codes" else "stop",
                    "error_title": column.title,
                    "error_message": f"请从下拉列表中选择{column.title}",
                    "input_title": column.title,
                    "input_message": "可填写多个险种，用英文逗号分隔，如 310,510"
                    if column.kind == "codes" else f"请从下拉列表中选择{column.title}",
                },
            )  # fmt: skip
        elif column.kind == "date":
            sheet.data_validation(
                1, index, TEMPLATE_ROWS, index,
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
    help_sheet.write_string(len(layout.instructions) + 1, 0, "各列说明：", title_format)
    kinds = {"code": "下拉选择", "codes": "险种代码，可多个", "date": "日期", "number": "数值"}
    for position, column in enumerate(layout.columns, start=len(layout.instructions) + 2):
        note = "必填" if column.required else "选填"
        help_sheet.write_string(position, 0, f"{column.title}：{note}，{kinds.get(column.kind, '文本')}")
    book.close()
    return buffer.getvalue()


# --- reading -------------------------------------------------------------------------------------

Data = TypeVar("Data")


@dataclass(frozen=True)
class RowProblem:
    row: int  # the spreadsheet row number (the header is row 1)
    column: str
    message: str


@dataclass
class SheetRow(Generic[Data]):
    row: int
    data: Data
    cells: tuple[str, ...]  # the cells as written, for 导出失败数据
    problems: list[Problem] = field(default_factory=list)


@dataclass
class SheetRead(Generic[Data]):
    rows: list[SheetRow[Data]] = field(default_factory=list)
    error: str = ""  # a file-level refusal; no rows then

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def problems(self) -> list[RowProblem]:
        return [RowProblem(r.row, p.column, p.message) for r in self.rows for p in r.problems]


class FileRefused(Exception):
    """A file the reader will not read; the message is for the user."""


def _refuse(message: str) -> FileRefused:
    return FileRefused(message)


def _letter(index: int) -> str:
    return str(xlsxwriter.utility.xl_col_to_name(index))


def workbook_check(data: bytes) -> None:
    """The checks every uploaded xlsx gets before a reader sees it: a real, unencrypted workbook
    without macros whose parts inflate to a sane size (no zip bomb); FileRefused otherwise."""
    with _check_container(data) as archive:
        _check_parts(archive)


def _check_container(data: bytes) -> zipfile.ZipFile:
    if not data:
        raise _refuse("上传的文件是空文件")
    limit = int(settings.YIBAO_UPLOAD_MAX_BYTES)
    if len(data) > limit:
        raise _refuse(f"文件大小超过上限（{limit // (1024 * 1024)}MB），请分成多个文件导入")
    if data.startswith(CFB_SIGNATURE):
        if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
            raise _refuse("文件设置了密码（已加密），请在Excel中取消密码保护后重新上传")
        raise _refuse("文件是旧版Excel（.xls）或其他格式，请使用下载的模板（.xlsx）填写后上传")
    if not data.startswith(ZIP_SIGNATURE):
        raise _refuse(NOT_XLSX)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise _refuse("文件已损坏，无法作为Excel工作簿（.xlsx）打开") from None
    names = {info.filename for info in infos}
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        raise _refuse(NOT_XLSX)
    if any(info.flag_bits & 0x1 for info in infos):
        raise _refuse("文件设置了密码（已加密），请在Excel中取消密码保护后重新上传")
    if "xl/vbaProject.bin" in names:
        raise _refuse("文件含有宏，请使用下载的模板（.xlsx）填写后上传")
    total = sum(info.file_size for info in infos)
    bomb = total > MAX_UNCOMPRESSED or any(
        info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        for info in infos
    )
    if bomb:
        raise _refuse("文件解压后的内容异常巨大（疑似压缩炸弹），已拒绝处理，请使用下载的模板重新填写")
    return archive


_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')


def _elements(xml: bytes, tag: bytes) -> Iterator[dict[bytes, str]]:
    for match in re.finditer(rb"<(?:\w+:)?" + tag + rb"\b([^>]*)>", xml):
        yield {name: html.unescape(value.decode()) for name, value in _ATTR.findall(match.group(1))}


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → part name in the archive, in workbook order."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, OSError, EOFError):
        raise _refuse("文件已损坏，无法作为Excel工作簿（.xlsx）打开") from None
    targets: dict[str, str] = {}
    for attrs in _elements(rels, b"Relationship"):
        target = attrs.get(b"Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if attrs.get(b"Id", "") in targets:  # the checked part and the one read could differ
            raise _refuse("文件结构异常（关系编号重复），请使用下载的模板重新填写")
        targets[attrs.get(b"Id", "")] = target
    parts: dict[str, str] = {}
    for attrs in _elements(workbook, b"sheet"):
        rel = next((v for k, v in attrs.items() if k.endswith(b":id")), "")
        name = attrs.get(b"name", "")
        if name in parts:  # a reader takes the first, a dict the last: never check one, read another
            raise _refuse(f"文件中有重名的工作表「{name}」，请删除多余的工作表后重新上传")
        parts[name] = targets.get(rel, "")
    return parts


_ROW_START = re.compile(rb"(?=<(?:\w+:)?row[\s>])")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?r="([A-Z]+)([0-9]+)"')
_HAS_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)[\s>]")


def _scan_sheet(archive: zipfile.ZipFile, part: str, *, titles: Sequence[str], max_rows: int) -> None:
    """Stream the sheet's XML once: refuse formulas and more than `max_rows` data rows without
    loading the sheet (reading stops as soon as the limit is passed).

    The quick pass counts row tags and looks for a formula tag in whole chunks; only when it finds
    a formula (to say where) or more rows than allowed (rows without values do not count) does the
    careful pass go row by row."""
    info = _part_info(archive, part)
    tags = 0
    carry = b""
    for chunk in _inflate(archive, info):
        data = carry + chunk
        cut = data.rfind(b"<")  # a tag cut in two is finished by the next chunk
        body, carry = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
        tags += body.count(b"<row") + body.count(b":row")  # never fewer than the rows
        if _may_hold_formula(body) or tags - 1 > max_rows:
            _scan_sheet_rows(archive, info, titles=titles, max_rows=max_rows)
            return
    if _may_hold_formula(carry):
        _scan_sheet_rows(archive, info, titles=titles, max_rows=max_rows)


def _may_hold_formula(body: bytes) -> bool:
    """A formula tag in this XML (memchr-fast checks before the regular expression)."""
    return (b"<f" in body or b":f" in body) and _FORMULA.search(body) is not None


def _part_info(archive: zipfile.ZipFile, part: str) -> zipfile.ZipInfo:
    try:
        return archive.getinfo(part)
    except KeyError:
        raise _refuse("文件已损坏，找不到工作表内容") from None


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's content in chunks, refusing more than MAX_UNCOMPRESSED bytes."""
    read = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                read += len(chunk)
                if read > MAX_UNCOMPRESSED:
                    raise _refuse("文件解压后的内容异常巨大（疑似压缩炸弹），已拒绝处理")
                yield chunk
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):
        raise _refuse("文件已损坏，无法作为Excel工作簿（.xlsx）打开") from None


def _scan_sheet_rows(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, titles: Sequence[str], max_rows: int
) -> None:
    """The careful pass: row by row, counting the rows that hold a value."""
    rows = 0
    carry = b""
    for chunk in _inflate(archive, info):
        # Each piece but the last is one whole row (or what precedes the first row).
        pieces = _ROW_START.split(carry + chunk)
        carry = pieces.pop()
        rows += sum(_scan_row(piece, titles) for piece in pieces)
        if rows - 1 > max_rows:
            raise _too_many(max_rows)
    rows += _scan_row(carry, titles)
    if rows - 1 > max_rows:
        raise _too_many(max_rows)


def _scan_row(piece: bytes, titles: Sequence[str]) -> int:
    """1 when this row's XML holds a value; refuses a formula."""
    formula = _FORMULA.search(piece)
    if formula:
        refs = _CELL_REF.findall(piece, 0, formula.start())
        where = ""
        if refs:
            letters, number = refs[-1]
            column = _column_index(letters.decode())
            title = f"（{titles[column]}）" if column < len(titles) else ""
            where = f"第{number.decode()}行{letters.decode()}列{title}"
        raise _refuse(
            f"文件中含有公式（{where or '见工作表'}），请将公式单元格复制后「选择性粘贴—数值」再重新上传"
        )
    return 1 if _HAS_VALUE.search(piece) else 0


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _check_parts(archive: zipfile.ZipFile) -> None:
    """Read every part once through zipfile, which stops at the declared size and checks the CRC:
    a directory that lies about the sizes is caught before calamine inflates anything."""
    read = 0
    try:
        for info in archive.infolist():
            with archive.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    read += len(chunk)
                    if read > MAX_UNCOMPRESSED:
                        raise _refuse("文件解压后的内容异常巨大（疑似压缩炸弹），已拒绝处理")
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
        raise _refuse("文件已损坏，无法作为Excel工作簿（.xlsx）打开") from None


# (spreadsheet row numbers, the rows' cells padded to the layout's width, lookups) → rows
TableParser = Callable[[list[int], list[list[Any]], "Lookups"], list[SheetRow[Data]]]


def each_row(parse: Callable[[int, list[Any], Lookups], SheetRow[Data]]) -> TableParser[Data]:
    """A table parser that parses row by row."""
    return lambda numbers, table, lookups: [parse(n, v, lookups) for n, v in zip(numbers, table, strict=True)]


def read_sheet(
    data: bytes, layout: SheetLayout, parse: TableParser[Data], *, max_rows: int
) -> SheetRead[Data]:
    """Read a batch file of `layout`: its rows as `parse` makes them (with the problems parsing
    alone finds), or a file-level refusal."""
    try:
        with gc_paused():
            return SheetRead(rows=_read(data, layout, parse, max_rows=max_rows))
    except FileRefused as refused:
        return SheetRead(error=str(refused))


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector around work that makes hundreds of thousands of small
    objects without cycles (a 50,000-row file): it would walk them again and again (a third of
    the parsing time); reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _too_many(max_rows: int) -> FileRefused:
    return _refuse(f"文件数据超过{max_rows}行的上限，请分成多个文件导入（每个文件最多{max_rows}行）")


def _read(
    data: bytes, layout: SheetLayout, parse: TableParser[Data], *, max_rows: int
) -> list[SheetRow[Data]]:
    archive = _check_container(data)
    with archive:
        parts = _sheet_parts(archive)
        if layout.sheet not in parts:
            raise _refuse(f"文件中没有「{layout.sheet}」工作表，请使用下载的模板填写")
        extra = [name for name in parts if name not in layout.sheets]
        if extra:
            names = "、".join(f"「{name}」" for name in extra)
            raise _refuse(f"文件中有模板以外的工作表{names}，请删除后重新上传")
        _check_parts(archive)
        _scan_sheet(archive, parts[layout.sheet], titles=layout.titles, max_rows=max_rows)
    try:
        book = python_calamine.CalamineWorkbook.from_object(io.BytesIO(data))
        sheet = book.get_sheet_by_name(layout.sheet)
        start = sheet.start or (0, 0)
        iterator = sheet.iter_rows()
        header = next(iterator, None)
    except python_calamine.PasswordError:
        raise _refuse("文件设置了密码（已加密），请在Excel中取消密码保护后重新上传") from None
    except Exception:  # calamine's errors: a malformed part of an archive that looked right
        raise _refuse("文件内容无法读取，请使用下载的模板重新填写") from None
    if header is None:
        raise _refuse("文件中没有数据，请从第二行开始填写")
    pad = [""] * start[1]
    first_row = start[0] + 1
    check_header(layout, pad + list(header) if first_row == 1 else [])
    width = layout.width
    numbers: list[int] = []
    table: list[list[Any]] = []
    try:
        for number, cells in enumerate(iterator, start=first_row + 1):
            values = (pad + cells)[:width] if pad else cells[:width]
            if all(value == "" or value is None for value in values):
                continue
            if len(table) >= max_rows:
                raise _too_many(max_rows)
            if len(values) < width:
                values = list(values) + [""] * (width - len(values))
            numbers.append(number)
            table.append(values)
        if not table:
            raise _refuse("文件中没有数据，请从第二行开始填写")
        return parse(numbers, table, Lookups())
    except FileRefused:
        raise
    except Exception:
        raise _refuse("文件内容无法读取，请使用下载的模板重新填写") from None


def _title(value: object) -> str:
    return re.sub(r"\s+", "", to_halfwidth(str(value))).lstrip("*")


def check_header(layout: SheetLayout, header: list[Any]) -> None:
    if not header:
        raise _refuse("第一行应为模板表头，请使用下载的模板，不得修改模板文件第一行")
    titles, width = layout.titles, layout.width
    found = [_title(value) for value in header]
    while found and found[-1] == "":
        found.pop()
    if len(found) == width + 1 and found[-1] == ERROR_TITLE:
        found.pop()  # an exported failure file, corrected and imported again
    diffs = []
    for index in range(max(width, len(found))):
        expected = titles[index] if index < width else ""
        actual = found[index] if index < len(found) else ""
        if actual == expected:
            continue
        if not expected:
            diffs.append(f"{_letter(index)}列多出「{actual}」")
        else:
            diffs.append(f"{_letter(index)}列应为「{expected}」，文件中为「{actual or '空'}」")
    if diffs:
        raise _refuse("表头与模板不一致（不得修改模板文件第一行）：" + "；".join(diffs))


# --- cells ---------------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_DATE_PATTERNS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_SCIENTIFIC = re.compile(r"\d(\.\d+)?E\+?\d+", re.IGNORECASE)
_NEUTRALISED = re.compile(r"'(?=[=+\-@\t\r])")
_SPLIT_CODES = re.compile(r"[,，、;；/\s]+")
_CODE_FIRST = re.compile(r"([0-9A-Za-z]+)\s+([^,，、;；/]+)")


# What `cell_text` would change in a text: full-width forms, the ideographic space, whitespace
# other than a plain space, or a run of spaces.
_IRREGULAR = re.compile(r"[\uff01-\uff5e\u3000]|[^\S ]|  ")


def cell_text(value: object) -> str:
    """A cell as text, full-width characters made ASCII and stray whitespace removed."""
    if type(value) is str:
        text = (
            value.strip()
            if _IRREGULAR.search(value) is None
            else _SPACES.sub(" ", to_halfwidth(value)).strip()
        )
        return _NEUTRALISED.sub("", text, count=1) if text.startswith("'") else text
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return cell_text(str(value))


class Lookups:
    """Code, name and «代码 名称» of each coded column's list, normalised, to its code."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, str]] = {}
        self.widths: dict[str, int] = {}
        self.memo: dict[str, dict[str, str | None]] = {}
        self.many: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {}

    def table(self, column: Column) -> dict[str, str]:
        if column.key not in self.tables:
            found: dict[str, str] = {}
            choices = column_choices(column)
            for code, label in choices:
                for key in (code, label, f"{code} {label}", f"{code}{label}"):
                    found.setdefault(_SPACES.sub("", to_halfwidth(key)).upper(), code)
            self.tables[column.key] = found
            self.widths[column.key] = max((len(code) for code, _ in choices), default=0)
        return self.tables[column.key]

    def code(self, column: Column, text: str) -> str | None:
        """The code for a cell's text; remembered per column, as a file repeats a few values."""
        memo = self.memo.setdefault(column.key, {})
        if text not in memo:
            memo[text] = self._code(column, text)
        return memo[text]

    def codes(self, column: Column, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Several codes in one cell («310,510», also «310 职工基本医疗保险»): the codes found and
        the parts that are none; remembered like single codes."""
        memo = self.many.setdefault(column.key, {})
        if text not in memo:
            whole = self.code(column, text)
            parts = [text] if whole else [part for part in _SPLIT_CODES.split(text) if part]
            found: list[str] = []
            unknown: list[str] = []
            for part in parts:
                code = self.code(column, part)
                if code:
                    found.append(code)
                else:
                    unknown.append(part)
            memo[text] = (tuple(dict.fromkeys(found)), tuple(unknown))
        return memo[text]

    def _code(self, column: Column, text: str) -> str | None:
        table = self.table(column)
        width = self.widths[column.key]
        key = _SPACES.sub("", text).upper()
        if key in table:
            return table[key]
        if key.isdigit() and key.zfill(width) in table:  # Excel dropped a leading 0
            return table[key.zfill(width)]
        match = _CODE_FIRST.fullmatch(text)
        if match and match.group(1).upper() in table:  # «代码 名称» with another name
            return table[match.group(1).upper()]
        return None


def parse_date(text: str) -> datetime.date | None:
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                return None
    return None


def date_cell(column: Column, raw: object, text: str, problems: list[Problem]) -> datetime.date | None:
    """A date column's value: a real date cell, or text in one of the accepted forms."""
    day = raw if isinstance(raw, datetime.date) else parse_date(text)
    if isinstance(day, datetime.datetime):
        day = day.date()
    if day is None:
        problems.append(
            Problem(
                column.title, f"{column.title}「{text}」不是日期，请填写如 2026-11-01、2026/11/01 或 20261101"
            )
        )
    return day


def code_cell(column: Column, text: str, lookups: Lookups, problems: list[Problem]) -> str:
    code = lookups.code(column, text)
    if code is None:
        problems.append(Problem(column.title, f"「{text}」不是有效的{column.title}，请从下拉列表中选择"))
    return code or ""


def cert_no_problem(raw: object, text: str) -> Problem | None:
    """An ID number Excel turned into a number (1.1E+17 and the like): the digits are lost."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if len(text) >= 16 or (isinstance(raw, float) and not raw.is_integer()):
            return Problem("证件号码", SCIENTIFIC_ID)
    elif _SCIENTIFIC.fullmatch(text):
        return Problem("证件号码", SCIENTIFIC_ID)
    return None


# --- failure export ------------------------------------------------------------------------------

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A cell text that no spreadsheet will take for a formula (OWASP: CSV/formula injection)."""
    return "'" + value if value.startswith(_DANGEROUS) else value


def problems_text(problems: Iterable[Problem]) -> str:
    return "；".join(f"{p.column}：{p.message}" for p in problems)


def failures_xlsx(layout: SheetLayout, rows: Iterable[SheetRow[Any]]) -> bytes:
    """导出失败数据: the failed rows as written, with an «错误原因» column; the file is a
    template again, so that the corrected rows can be imported (the reader ignores the column)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    error = book.add_format({"font_color": "#C00000"})
    text = book.add_format({"num_format": "@"})
    sheet = book.add_worksheet(layout.sheet)
    width = layout.width
    for index, column in enumerate(layout.columns):
        sheet.set_column(index, index, 18 if column.key == "cert_no" else 13, text)
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
