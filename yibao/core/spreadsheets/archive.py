"""The checks an uploaded .xlsx gets as a zip archive, before a parser sees it.

Not a zip, an old .xls or another OLE2 file, an encrypted workbook, macros, a zip bomb (the parts
inflate too much in total or by too high a ratio, or the directory lies about their sizes), two
sheets of one name, formulas, more data rows than allowed. Each refusal is a `FileRefused` whose
message is for the user. The sheet's XML is streamed, never loaded whole.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.conf import settings

# A workbook expands to at most this much, and no part by more than MAX_RATIO (a real sheet
# compresses about 5 to 15 times; a run of zeros a thousand times and more).
MAX_UNCOMPRESSED = 32 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024  # parts smaller than this are not judged by their ratio
CHUNK = 1024 * 1024

CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
NOT_XLSX = "上传的文件不是Excel工作簿（.xlsx），请使用下载的模板填写后上传（仅修改文件扩展名无效）"
ENCRYPTED = "文件设置了密码（已加密），请在Excel中取消密码保护后重新上传"
DAMAGED = "文件已损坏，无法作为Excel工作簿（.xlsx）打开"


class FileRefused(Exception):
    """A file the reader will not read; the message is for the user."""


def workbook_check(data: bytes) -> None:
    """The checks every uploaded xlsx gets before a reader sees it: a real, unencrypted workbook
    without macros whose parts inflate to a sane size (no zip bomb); FileRefused otherwise."""
    with open_checked(data) as archive:
        check_parts(archive)


def open_checked(data: bytes) -> zipfile.ZipFile:
    """The upload as a zip archive whose directory passed the checks (size, signature, encryption,
    macros, declared sizes and ratios); the caller closes it."""
    if not data:
        raise FileRefused("上传的文件是空文件")
    limit = int(settings.YIBAO_UPLOAD_MAX_BYTES)
    if len(data) > limit:
        raise FileRefused(f"文件大小超过上限（{limit // (1024 * 1024)}MB），请分成多个文件导入")
    if data.startswith(CFB_SIGNATURE):
        if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
            raise FileRefused(ENCRYPTED)
        raise FileRefused("文件是旧版Excel（.xls）或其他格式，请使用下载的模板（.xlsx）填写后上传")
    if not data.startswith(ZIP_SIGNATURE):
        raise FileRefused(NOT_XLSX)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise FileRefused(DAMAGED) from None
    names = {info.filename for info in infos}
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        raise FileRefused(NOT_XLSX)
    if any(info.flag_bits & 0x1 for info in infos):
        raise FileRefused(ENCRYPTED)
    if "xl/vbaProject.bin" in names:
        raise FileRefused("文件含有宏，请使用下载的模板（.xlsx）填写后上传")
    total = sum(info.file_size for info in infos)
    bomb = total > MAX_UNCOMPRESSED or any(
        info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        for info in infos
    )
    if bomb:
        raise FileRefused("文件解压后的内容异常巨大（疑似压缩炸弹），已拒绝处理，请使用下载的模板重新填写")
    return archive


def check_parts(archive: zipfile.ZipFile) -> None:
    """Read every part once through zipfile, which stops at the declared size and checks the CRC:
    a directory that lies about the sizes is caught before calamine inflates anything."""
    read = 0
    try:
        for info in archive.infolist():
            with archive.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    read += len(chunk)
                    if read > MAX_UNCOMPRESSED:
                        raise FileRefused("文件解压后的内容异常巨大（疑似压缩炸弹），已拒绝处理")
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
        raise FileRefused(DAMAGED) from None


_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')


def _elements(xml: bytes, tag: bytes) -> Iterator[dict[bytes, str]]:
    for match in re.finditer(rb"<(?:\w+:)?" + tag + rb"\b([^>]*)>", xml):
        yield {name: html.unescape(value.decode()) for name, value in _ATTR.findall(match.group(1))}


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → part name in the archive, in workbook order."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, OSError, EOFError):
        raise FileRefused(DAMAGED) from None
    targets: dict[str, str] = {}
    for attrs in _elements(rels, b"Relationship"):
        target = attrs.get(b"Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if attrs.get(b"Id", "") in targets:  # the checked part and the one read could differ
            raise FileRefused("文件结构异常（关系编号重复），请使用下载的模板重新填写")
        targets[attrs.get(b"Id", "")] = target
    parts: dict[str, str] = {}
    for attrs in _elements(workbook, b"sheet"):
        rel = next((v for k, v in attrs.items() if k.endswith(b":id")), "")
        name = attrs.get(b"name", "")
        if name in parts:  # a reader takes the first, a dict the last: never check one, read another
            raise FileRefused(f"文件中有重名的工作表「{name}」，请删除多余的工作表后重新上传")
        parts[name] = targets.get(rel, "")
    return parts


def too_many_rows(max_rows: int) -> FileRefused:
    return FileRefused(f"文件数据超过{max_rows}行的上限，请分成多个文件导入（每个文件最多{max_rows}行）")


_ROW_START = re.compile(rb"(?=<(?:\w+:)?row[\s>])")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?r="([A-Z]+)([0-9]+)"')
_HAS_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)[\s>]")
_CELL_END = re.compile(rb"</(?:\w+:)?c>")
_ROW_END = re.compile(rb"</(?:\w+:)?row>")

# How far past the template a value may stand. A reader holds the sheet as a dense table from
# A1 to the farthest value, so one value in column XFD or row 1,048,576 of a small file would
# cost gigabytes: values are allowed in a few columns beyond the template (notes a user adds)
# and a thousand rows beyond the allowed data rows (blank rows in between), no farther.
EXTRA_COLUMNS = 5
EXTRA_ROWS = 1000


@dataclass(frozen=True)
class Reach:
    """The part of a sheet values may stand in, and a quick pattern for attributes beyond it."""

    columns: int  # columns A.. (0-based index below this)
    last_row: int
    far: re.Pattern[bytes]

    @classmethod
    def of(cls, *, titles: Sequence[str], max_rows: int) -> Reach:
        columns = len(titles) + EXTRA_COLUMNS
        last_row = max_rows + 1 + EXTRA_ROWS
        # References past the reach: more letters, or a single letter past the last column
        # (a superset when the reach has more than 26 columns: compared exactly after), or a
        # number above the last row. A sheet within reach matches nothing, so the pass is one
        # regular-expression scan.
        letters = "[A-Z]{2,}" + (f"|[{chr(65 + columns)}-Z]" if columns < 26 else "")
        far = rb' r="(?:(' + letters.encode() + rb")([0-9]+)|([A-Z]*)(" + _above(last_row).encode() + rb'))"'
        return cls(columns=columns, last_row=last_row, far=re.compile(far))

    @property
    def last_letters(self) -> str:
        return _column_letters(self.columns - 1)


def _above(number: int) -> str:
    """A regular expression for the decimal numbers (without leading zeros) above `number`."""
    digits = str(number)
    longer = f"[1-9][0-9]{{{len(digits)},}}"
    same_length = [
        f"{digits[:i]}[{int(digit) + 1}-9][0-9]{{{len(digits) - i - 1}}}"
        for i, digit in enumerate(digits)
        if digit != "9"
    ]
    return "|".join([longer, *same_length])


def scan_sheet(archive: zipfile.ZipFile, part: str, *, titles: Sequence[str], max_rows: int) -> None:
    """Stream the sheet's XML once: refuse formulas, more than `max_rows` data rows and values
    beyond the template's reach (`Reach`) without loading the sheet (reading stops as soon as
    one is found). `titles` name the columns in the message about a formula.

    The quick pass goes over whole rows of each chunk: it counts row tags, looks for a formula
    tag, a reference past the reach, and cells without a reference (a reader places those one
    after another, so a row of them reaches as far as it is long). Only when it finds a formula
    (to say where), more rows than allowed (rows without values do not count) or cells without
    references does the careful pass go row by row."""
    info = _part_info(archive, part)
    reach = Reach.of(titles=titles, max_rows=max_rows)
    tags = 0
    carry = b""
    for chunk in _inflate(archive, info):
        data = carry + chunk
        cut = _last_row_start(data)
        body, carry = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
        tags += body.count(b"<row") + body.count(b":row")  # never fewer than the rows
        _refuse_far_values(body, reach)
        if _may_hold_formula(body) or tags - 1 > max_rows or _unplaced_cells(body):
            _scan_sheet_rows(archive, info, titles=titles, max_rows=max_rows, reach=reach)
            return
    _refuse_far_values(carry, reach)
    if _may_hold_formula(carry) or _unplaced_cells(carry):
        _scan_sheet_rows(archive, info, titles=titles, max_rows=max_rows, reach=reach)


def _last_row_start(data: bytes) -> int:
    """Where the last row begins (a body of whole rows), or, in a row longer than the chunk,
    the last cell; -1 when neither is in the data."""
    row = max(data.rfind(b"<row "), data.rfind(b"<row>"))
    prefixed = max(data.rfind(b":row "), data.rfind(b":row>"))
    if prefixed > 0:
        row = max(row, data.rfind(b"<", 0, prefixed))
    if row > 0:
        return row
    cell = max(data.rfind(b"<c "), data.rfind(b"<c>"))
    return cell if cell > 0 else data.rfind(b"<")


def _unplaced_cells(body: bytes) -> bool:
    """Cells without an `r` reference first among their attributes (rare; checked row by row)."""
    cells = body.count(b"<c ") + body.count(b"<c>") + body.count(b":c ") + body.count(b":c>")
    return cells != body.count(b'<c r="') + body.count(b':c r="')


def _refuse_far_values(body: bytes, reach: Reach) -> None:
    """FileRefused for the first value (a cell's, or a row's cells') beyond the reach."""
    for match in reach.far.finditer(body):
        letters = (match.group(1) or match.group(3) or b"").decode()
        row = int(match.group(2) or match.group(4))
        column = _column_index(letters) if letters else 0
        if (column < reach.columns and row <= reach.last_row) or not _holds_value(body, match.end()):
            continue
        where = f"第{row}行{letters}列" if letters else f"第{row}行"
        raise FileRefused(
            f"{where}有内容，超出模板范围（数据应在A至{reach.last_letters}列、第2至{reach.last_row}行之间），"
            "请删除模板以外的内容后重新上传"
        )


def _holds_value(body: bytes, position: int) -> bool:
    """Whether the element whose start tag holds `position` (a cell or a row) holds a value; an
    element not closed within the body counts as holding one."""
    tag_end = body.find(b">", position)
    if tag_end < 0:
        return True
    if body[tag_end - 1 : tag_end] == b"/":
        return False  # <c r="…" s="1"/>: formatted, empty
    tag_start = body.rfind(b"<", 0, position)
    is_row = body[tag_start + 1 : tag_end].split(b" ", 1)[0].split(b":")[-1] == b"row"
    close = (_ROW_END if is_row else _CELL_END).search(body, tag_end)
    if close is None:
        return True
    return _HAS_VALUE.search(body, tag_end, close.start()) is not None


def _may_hold_formula(body: bytes) -> bool:
    """A formula tag in this XML (memchr-fast checks before the regular expression)."""
    return (b"<f" in body or b":f" in body) and _FORMULA.search(body) is not None


def _part_info(archive: zipfile.ZipFile, part: str) -> zipfile.ZipInfo:
    try:
        return archive.getinfo(part)
    except KeyError:
        raise FileRefused("文件已损坏，找不到工作表内容") from None


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's content in chunks, refusing more than MAX_UNCOMPRESSED bytes."""
    read = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                read += len(chunk)
                if read > MAX_UNCOMPRESSED:
                    raise FileRefused("文件解压后的内容异常巨大（疑似压缩炸弹），已拒绝处理")
                yield chunk
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):
        raise FileRefused(DAMAGED) from None


def _scan_sheet_rows(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    *,
    titles: Sequence[str],
    max_rows: int,
    reach: Reach,
) -> None:
    """The careful pass: row by row, counting the rows that hold a value."""
    rows = 0
    carry = b""
    for chunk in _inflate(archive, info):
        # Each piece but the last is one whole row (or what precedes the first row).
        pieces = _ROW_START.split(carry + chunk)
        carry = pieces.pop()
        rows += sum(_scan_row(piece, titles, reach) for piece in pieces)
        if rows - 1 > max_rows:
            raise too_many_rows(max_rows)
    rows += _scan_row(carry, titles, reach)
    if rows - 1 > max_rows:
        raise too_many_rows(max_rows)


def _scan_row(piece: bytes, titles: Sequence[str], reach: Reach) -> int:
    """1 when this row's XML holds a value; refuses a formula, a value beyond the reach, and more
    cells than the reach has columns (cells without references stand one after another)."""
    formula = _FORMULA.search(piece)
    if formula:
        refs = _CELL_REF.findall(piece, 0, formula.start())
        where = ""
        if refs:
            letters, number = refs[-1]
            column = _column_index(letters.decode())
            title = f"（{titles[column]}）" if column < len(titles) else ""
            where = f"第{number.decode()}行{letters.decode()}列{title}"
        raise FileRefused(
            f"文件中含有公式（{where or '见工作表'}），请将公式单元格复制后「选择性粘贴—数值」再重新上传"
        )
    _refuse_far_values(piece, reach)  # the careful pass reads the rest of the sheet alone
    if _unplaced_cells(piece):
        cells = piece.count(b"<c ") + piece.count(b"<c>") + piece.count(b":c ") + piece.count(b":c>")
        if cells > reach.columns:
            raise FileRefused(
                f"有一行含{cells}个单元格，超出模板范围（A至{reach.last_letters}列），"
                "请删除模板以外的内容后重新上传"
            )
    return 1 if _HAS_VALUE.search(piece) else 0


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
