"""The 批量参保登记 file (Henan manual 004): the template, the reader and the failure export.

The template is written with xlsxwriter: a fixed first row, mandatory columns marked with «*» in
red, dropdowns whose lists come from the code tables (kept on a hidden sheet), and a sheet of
instructions. The reader checks the file as a zip archive before python-calamine sees it (not a
zip, an encrypted workbook, a zip bomb, formulas, too many rows, extra sheets), then reads the
rows into `EnrollmentRow` objects with the problems that parsing alone can find. The rules that
need the region and the records are applied by `batch.batch_validate`.
"""

from __future__ import annotations

import datetime
import html
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import python_calamine
import xlsxwriter
from django.conf import settings

from yibao.core.reference import code_choices
from yibao.core.validators._text import to_halfwidth
from yibao.enrollment.rules import EnrollmentRow, Problem, parse_base

SHEET = "参保登记"
HELP_SHEET = "填写说明"
CODE_SHEET = "代码表"
TEMPLATE_SHEETS = (SHEET, HELP_SHEET, CODE_SHEET)
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


COLUMNS: tuple[Column, ...] = (
    Column("cert_type", "证件类型", required=True, table="psn_cert_type", kind="code"),
    Column("cert_no", "证件号码", required=True),
    Column("name", "姓名", required=True),
    Column("gender", "性别", table="gend", kind="code"),
    Column("birth_date", "出生日期", kind="date"),
    Column("nation", "民族", table="naty", kind="code"),
    Column("nationality", "国籍"),
    Column("mobile", "手机号码"),
    Column("address", "联系地址"),
    Column("first_work_date", "首次参加工作日期", kind="date"),
    Column("psn_type", "人员类别", required=True, table="psn_type", kind="code"),
    Column("emp_form", "用工形式", table="emp_fom", kind="code"),
    Column("insutypes", "险种", required=True, table="insutype", kind="codes"),
    Column("start_date", "参保日期", required=True, kind="date"),
    Column("base", "月缴费基数", required=True, kind="number"),
)
TITLES = tuple(c.title for c in COLUMNS)
WIDTH = len(COLUMNS)

INSTRUCTIONS = (
    "批量参保登记模板填写说明",
    "1. 编辑时从第二行开始填写，不得修改模板文件第一行（表头），不得增加、删除或调整列的顺序。",
    "2. 带 * 的列为必填项；证件类型为居民身份证时，性别和出生日期可不填，系统按身份证号码生成并校验。",
    "3. 证件号码列已设置为文本格式，请勿改为数值格式，否则18位号码会被Excel转换为科学计数法而丢失末几位。",
    "4. 证件类型、性别、民族、人员类别、用工形式请从下拉列表中选择，也可填写代码（如 01）或名称（如 汉族）。",
    "5. 险种可填写一个或多个险种代码，多个险种用英文逗号分隔，如 310,510；须为本统筹区可参保的险种。",
    "6. 日期请填写为 2026-11-01、2026/11/01 或 20261101 格式；参保日期须在经办规则允许的范围内。",
    "7. 月缴费基数须在本统筹区当年缴费基数上下限之间，保留两位小数，如 6000.00。",
    "8. 国籍填写三位字母代码，中国为 CHN（不填默认为 CHN）；手机号码为11位数字。",
    "9. 单元格中不得使用公式，文件中只保留「参保登记」「填写说明」「代码表」工作表，不得设置密码。",
    "10. 同一文件中同一证件号码只能出现一次。校验失败的数据可导出，修改后重新导入。",
)


# --- template ------------------------------------------------------------------------------------


def _insutype_options(insutypes: Sequence[str] | None) -> list[str]:
    codes = list(insutypes) if insutypes else [code for code, _ in code_choices("insutype")]
    combos = [",".join(sorted(insutypes))] if insutypes and len(insutypes) > 1 else ["310,510", "310,330,510"]
    return combos + [f"{code}" for code in codes]


def enrollment_template_xlsx(*, insutypes: Sequence[str] | None = None) -> bytes:
    """The 下载模板 file. `insutypes`: the 险种 the unit's region offers (dropdown suggestions)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center"})
    required = book.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center", "font_color": "#C00000"}
    )
    text = book.add_format({"num_format": "@"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    money = book.add_format({"num_format": "0.00"})

    sheet = book.add_worksheet(SHEET)
    help_sheet = book.add_worksheet(HELP_SHEET)
    codes = book.add_worksheet(CODE_SHEET)
    codes.hide()

    # The code lists, one column per coded column, referenced by the dropdowns.
    lists: dict[str, str] = {}
    code_column = 0
    for column in COLUMNS:
        if not column.table:
            continue
        if column.kind == "codes":
            values = _insutype_options(insutypes)
        else:
            values = [f"{code} {label}" for code, label in code_choices(column.table)]
        codes.write_string(0, code_column, column.title)
        for position, value in enumerate(values, start=1):
            codes.write_string(position, code_column, value)
        letter = xlsxwriter.utility.xl_col_to_name(code_column)
        lists[column.key] = f"='{CODE_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        code_column += 1

    for index, column in enumerate(COLUMNS):
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
    for position, line in enumerate(INSTRUCTIONS):
        help_sheet.write_string(position, 0, line, title_format if position == 0 else None)
    help_sheet.write_string(len(INSTRUCTIONS) + 1, 0, "各列说明：", title_format)
    for position, column in enumerate(COLUMNS, start=len(INSTRUCTIONS) + 2):
        kind = {"code": "下拉选择", "codes": "险种代码，可多个", "date": "日期", "number": "数值"}
        note = "必填" if column.required else "选填"
        help_sheet.write_string(position, 0, f"{column.title}：{note}，{kind.get(column.kind, '文本')}")
    book.close()
    return buffer.getvalue()


# --- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    row: int  # the spreadsheet row number (the header is row 1)
    column: str
    message: str


@dataclass
class SheetRow:
    row: int
    data: EnrollmentRow
    cells: tuple[str, ...]  # the cells as written, for 导出失败数据
    problems: list[Problem] = field(default_factory=list)


@dataclass
class SheetRead:
    rows: list[SheetRow] = field(default_factory=list)
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
        targets[attrs.get(b"Id", "")] = target
    parts: dict[str, str] = {}
    for attrs in _elements(workbook, b"sheet"):
        rel = next((v for k, v in attrs.items() if k.endswith(b":id")), "")
        parts[attrs.get(b"name", "")] = targets.get(rel, "")
    return parts


_ROW_START = re.compile(rb"(?=<(?:\w+:)?row[\s>])")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?r="([A-Z]+)([0-9]+)"')
_HAS_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)[\s>]")


def _scan_sheet(archive: zipfile.ZipFile, part: str, *, max_rows: int) -> None:
    """Stream the sheet's XML once: refuse formulas and more than `max_rows` data rows without
    loading the sheet (reading stops as soon as the limit is passed)."""
    try:
        info = archive.getinfo(part)
    except KeyError:
        raise _refuse("文件已损坏，找不到工作表内容") from None
    rows = 0
    carry = b""
    read = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                read += len(chunk)
                if read > MAX_UNCOMPRESSED:
                    raise _refuse("文件解压后的内容异常巨大（疑似压缩炸弹），已拒绝处理")
                # Each piece but the last is one whole row (or what precedes the first row).
                pieces = _ROW_START.split(carry + chunk)
                carry = pieces.pop()
                rows += sum(_scan_row(piece) for piece in pieces)
                if rows - 1 > max_rows:
                    raise _refuse(
                        f"文件数据超过{max_rows}行的上限，请分成多个文件导入（每个文件最多{max_rows}行）"
                    )
            rows += _scan_row(carry)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):
        raise _refuse("文件已损坏，无法作为Excel工作簿（.xlsx）打开") from None
    if rows - 1 > max_rows:
        raise _refuse(f"文件数据超过{max_rows}行的上限，请分成多个文件导入（每个文件最多{max_rows}行）")


def _scan_row(piece: bytes) -> int:
    """1 when this row's XML holds a value; refuses a formula."""
    formula = _FORMULA.search(piece)
    if formula:
        refs = _CELL_REF.findall(piece, 0, formula.start())
        where = ""
        if refs:
            letters, number = refs[-1]
            column = _column_index(letters.decode())
            title = f"（{TITLES[column]}）" if column < WIDTH else ""
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


def read_enrollment_file(data: bytes, *, max_rows: int) -> SheetRead:
    """Read a 批量参保登记 file: the rows, their parsing problems, or a file-level refusal."""
    try:
        return SheetRead(rows=_read(data, max_rows=max_rows))
    except FileRefused as refused:
        return SheetRead(error=str(refused))


def _read(data: bytes, *, max_rows: int) -> list[SheetRow]:
    archive = _check_container(data)
    with archive:
        parts = _sheet_parts(archive)
        if SHEET not in parts:
            raise _refuse(f"文件中没有「{SHEET}」工作表，请使用下载的模板填写")
        extra = [name for name in parts if name not in TEMPLATE_SHEETS]
        if extra:
            names = "、".join(f"「{name}」" for name in extra)
            raise _refuse(f"文件中有模板以外的工作表{names}，请删除后重新上传")
        _check_parts(archive)
        _scan_sheet(archive, parts[SHEET], max_rows=max_rows)
    try:
        book = python_calamine.CalamineWorkbook.from_object(io.BytesIO(data))
        sheet = book.get_sheet_by_name(SHEET)
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
    _check_header(pad + list(header) if first_row == 1 else [])
    lookups = _Lookups()
    rows: list[SheetRow] = []
    try:
        for number, cells in enumerate(iterator, start=first_row + 1):
            values = (pad + cells)[:WIDTH] if pad else cells[:WIDTH]
            if all(value == "" or value is None for value in values):
                continue
            if len(rows) >= max_rows:
                raise _refuse(
                    f"文件数据超过{max_rows}行的上限，请分成多个文件导入（每个文件最多{max_rows}行）"
                )
            rows.append(_parse_row(number, values, lookups))
    except FileRefused:
        raise
    except Exception:
        raise _refuse("文件内容无法读取，请使用下载的模板重新填写") from None
    if not rows:
        raise _refuse("文件中没有数据，请从第二行开始填写")
    return rows


def _title(value: object) -> str:
    return re.sub(r"\s+", "", to_halfwidth(str(value))).lstrip("*")


def _check_header(header: list[Any]) -> None:
    if not header:
        raise _refuse("第一行应为模板表头，请使用下载的模板，不得修改模板文件第一行")
    found = [_title(value) for value in header]
    while found and found[-1] == "":
        found.pop()
    if len(found) == WIDTH + 1 and found[-1] == ERROR_TITLE:
        found.pop()  # an exported failure file, corrected and imported again
    diffs = []
    for index in range(max(WIDTH, len(found))):
        expected = TITLES[index] if index < WIDTH else ""
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


def _text(value: object) -> str:
    """A cell as text, full-width characters made ASCII and stray whitespace removed."""
    if type(value) is str and value.isascii() and value.isprintable() and "  " not in value:
        text = value.strip()  # the common case, kept cheap: 750,000 cells in a large file
        return _NEUTRALISED.sub("", text, count=1) if text.startswith("'") else text
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if not text.isascii() or not text.isprintable() or "  " in text:
        text = _SPACES.sub(" ", to_halfwidth(text))
    text = text.strip()
    return _NEUTRALISED.sub("", text, count=1) if text.startswith("'") else text


class _Lookups:
    """Code, name and «代码 名称» of each code table, normalised, to its code."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, str]] = {}
        self.widths: dict[str, int] = {}
        self.memo: dict[str, dict[str, str | None]] = {}
        self.many: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {}

    def table(self, name: str) -> dict[str, str]:
        if name not in self.tables:
            found: dict[str, str] = {}
            for code, label in code_choices(name):
                for key in (code, label, f"{code} {label}", f"{code}{label}"):
                    found.setdefault(_SPACES.sub("", to_halfwidth(key)).upper(), code)
            self.tables[name] = found
            self.widths[name] = max((len(code) for code, _ in code_choices(name)), default=0)
        return self.tables[name]

    def code(self, name: str, text: str) -> str | None:
        """The code for a cell's text; remembered per table, as a file repeats a few values."""
        memo = self.memo.setdefault(name, {})
        if text not in memo:
            memo[text] = self._code(name, text)
        return memo[text]

    def codes(self, name: str, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Several codes in one cell («310,510», also «310 职工基本医疗保险»): the codes found and
        the parts that are none; remembered like single codes."""
        key = f"codes:{name}"
        memo = self.many.setdefault(key, {})
        if text not in memo:
            whole = self.code(name, text)
            parts = [text] if whole else [part for part in _SPLIT_CODES.split(text) if part]
            found: list[str] = []
            unknown: list[str] = []
            for part in parts:
                code = self.code(name, part)
                if code:
                    found.append(code)
                else:
                    unknown.append(part)
            memo[text] = (tuple(dict.fromkeys(found)), tuple(unknown))
        return memo[text]

    def _code(self, name: str, text: str) -> str | None:
        table = self.table(name)
        key = _SPACES.sub("", text).upper()
        if key in table:
            return table[key]
        if key.isdigit() and key.zfill(self.widths[name]) in table:  # Excel dropped a leading 0
            return table[key.zfill(self.widths[name])]
        match = _CODE_FIRST.fullmatch(text)
        if match and match.group(1).upper() in table:  # «代码 名称» with another name
            return table[match.group(1).upper()]
        return None


def _date(text: str) -> datetime.date | None:
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                return None
    return None


def _parse_row(number: int, values: list[Any], lookups: _Lookups) -> SheetRow:
    if len(values) < WIDTH:
        values = list(values) + [""] * (WIDTH - len(values))
    cells = tuple(_text(value) for value in values)
    problems: list[Problem] = []
    parsed: dict[str, Any] = {}
    for column, raw, text in zip(COLUMNS, values, cells, strict=True):
        if not text:
            if column.required and column.key not in {"cert_no", "name", "start_date", "base", "insutypes"}:
                problems.append(Problem(column.title, f"请选择{column.title}"))  # the rules say the rest
            continue
        if column.kind == "date":
            day = raw if isinstance(raw, datetime.date) else _date(text)
            if isinstance(day, datetime.datetime):
                day = day.date()
            if day is None:
                problems.append(
                    Problem(
                        column.title,
                        f"{column.title}「{text}」不是日期，请填写如 2026-11-01、2026/11/01 或 20261101",
                    )
                )
            parsed[column.key] = day
        elif column.kind == "code":
            code = lookups.code(column.table, text)
            if code is None:
                problems.append(
                    Problem(column.title, f"「{text}」不是有效的{column.title}，请从下拉列表中选择")
                )
            parsed[column.key] = code or ""
        elif column.kind == "codes":
            codes, unknown = lookups.codes(column.table, text)
            if unknown:
                problems.append(Problem(column.title, f"「{'、'.join(unknown)}」不是有效的险种代码"))
            parsed[column.key] = codes
        elif column.kind == "number":
            amount = parse_base(text)
            if amount is None:
                problems.append(Problem(column.title, f"{column.title}「{text}」不是数字，请填写如 6000.00"))
            parsed[column.key] = amount
        else:
            parsed[column.key] = text
    cert_no = values[1]
    if isinstance(cert_no, (int, float)) and not isinstance(cert_no, bool):
        if len(cells[1]) >= 16 or (isinstance(cert_no, float) and not cert_no.is_integer()):
            problems.append(Problem("证件号码", SCIENTIFIC_ID))
    elif _SCIENTIFIC.fullmatch(cells[1]):
        problems.append(Problem("证件号码", SCIENTIFIC_ID))
    row = EnrollmentRow(
        cert_type=parsed.get("cert_type", ""),
        cert_no=parsed.get("cert_no", "").replace(" ", "").upper(),
        name=parsed.get("name", ""),
        gender=parsed.get("gender", ""),
        birth_date=parsed.get("birth_date"),
        nation=parsed.get("nation", ""),
        nationality=(parsed.get("nationality") or "CHN").upper(),
        mobile=parsed.get("mobile", "").replace(" ", "").replace("-", ""),
        address=parsed.get("address", ""),
        first_work_date=parsed.get("first_work_date"),
        psn_type=parsed.get("psn_type", ""),
        emp_form=parsed.get("emp_form", ""),
        insutypes=parsed.get("insutypes", ()),
        start_date=parsed.get("start_date"),
        base=parsed.get("base"),
    )
    if row.nationality in {"中国", "中华人民共和国"}:
        row.nationality = "CHN"
    if not re.fullmatch(r"[A-Z]{3}", row.nationality):
        problems.append(Problem("国籍", "国籍请填写三位字母代码，如 CHN"))
    if row.mobile and not re.fullmatch(r"1[3-9]\d{9}", row.mobile):
        problems.append(Problem("手机号码", "手机号码应为11位数字，如 13800000000"))
    if len(row.address) > 200:
        problems.append(Problem("联系地址", "联系地址不能超过200个字"))
    if len(row.name) > 50:
        problems.append(Problem("姓名", "姓名不能超过50个字"))
    return SheetRow(row=number, data=row, cells=cells, problems=problems)


# --- failure export ------------------------------------------------------------------------------

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A cell text that no spreadsheet will take for a formula (OWASP: CSV/formula injection)."""
    return "'" + value if value.startswith(_DANGEROUS) else value


def problems_text(problems: Iterable[Problem]) -> str:
    return "；".join(f"{p.column}：{p.message}" for p in problems)


def failures_xlsx(rows: Iterable[SheetRow]) -> bytes:
    """导出失败数据: the failed rows as written, with an «错误原因» column; the file is a
    template again, so that the corrected rows can be imported (the reader ignores the column)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    error = book.add_format({"font_color": "#C00000"})
    text = book.add_format({"num_format": "@"})
    sheet = book.add_worksheet(SHEET)
    for index, column in enumerate(COLUMNS):
        sheet.set_column(index, index, 18 if column.key == "cert_no" else 13, text)
    sheet.set_column(WIDTH, WIDTH, 60)
    for index, column in enumerate(COLUMNS):
        sheet.write_string(0, index, f"*{column.title}" if column.required else column.title, header)
    sheet.write_string(0, WIDTH, ERROR_TITLE, header)
    for number, row in enumerate(rows, start=1):
        for index, value in enumerate(row.cells):
            if value:
                sheet.write_string(number, index, neutralise(value), text)
        sheet.write_string(number, WIDTH, neutralise(problems_text(row.problems)), error)
    book.close()
    return buffer.getvalue()
