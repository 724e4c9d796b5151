"""A small streaming .xlsx writer: rows go as SpreadsheetML text straight into a deflated zip entry.

The package is the minimal one of ECMA-376 Part 1 (SpreadsheetML): [Content_Types].xml, the package
and workbook relationships, xl/workbook.xml, xl/styles.xml and one xl/worksheets/sheetN.xml per
sheet. Strings are inline strings (t="inlineStr"), so no shared-string table has to be held in
memory; numbers are <v> values. Rows are formatted as text in batches and written through
`ZipFile.open(name, "w")`, so memory stays flat whatever the row count, and a fast deflate level
keeps the compression from dominating the time.

Styles are fixed and few: a header row (bold, filled, thin border) and one style per number format
the columns ask for. Formula neutralisation is the caller's business: every text cell is written as
text, never as a formula, but a spreadsheet may still evaluate what the user retypes.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, Literal

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

HEADER_FILL = "DDEBF7"
MAX_SHEET_NAME = 31
MAX_ROWS = 1_048_576
DEFAULT_COMPRESSLEVEL = 1
DEFAULT_BATCH_ROWS = 2_000

# Characters XML 1.0 does not allow (C0 controls but tab, LF and CR; lone surrogates; U+FFFE/F).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_BAD_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")

Kind = Literal["text", "number"]
Cell = str | int | float | Decimal | None


class XlsxStreamError(ValueError):
    """A sheet or a value the writer cannot put into a valid workbook."""


@dataclass(frozen=True)
class Column:
    """A sheet column: its header text, width (in characters) and kind; `num_format` (an Excel
    number format such as «#,##0.00») styles the cells of a number column."""

    title: str
    width: float = 12
    kind: Kind = "text"
    num_format: str = ""


@dataclass(frozen=True)
class Sheet:
    """A sheet to write: its name, its columns (a header row of their titles is written first,
    frozen) and the rows, an iterable consumed once; each row holds one value per column."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Cell]]


def xml_text(value: str) -> str:
    """Text for an element body: &, < and > escaped, characters XML 1.0 forbids removed; \\r kept
    as a character reference so that parsers do not fold it into a line feed."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    return _ILLEGAL.sub("", value)


def _attribute(value: str) -> str:
    return xml_text(value).replace('"', "&quot;")


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class _Styles:
    """cellXfs: 0 default, 1 the header, then one per distinct number format, in order; each
    format is a custom numFmt (ids from 164 on, below are the built-in ones)."""

    HEADER = 1
    FIRST_NUMBER_XF = 2
    FIRST_CUSTOM_FORMAT = 164

    def __init__(self, sheets: Sequence[Sheet]) -> None:
        self.formats: dict[str, int] = {}  # format code → its position
        for sheet in sheets:
            for column in sheet.columns:
                if column.num_format and column.num_format not in self.formats:
                    self.formats[column.num_format] = len(self.formats)

    def of(self, column: Column) -> int:
        """The cellXfs index of a column's cells."""
        position = self.formats.get(column.num_format)
        return 0 if position is None else self.FIRST_NUMBER_XF + position

    def xml(self) -> str:
        num_fmts = "".join(
            f'<numFmt numFmtId="{self.FIRST_CUSTOM_FORMAT + position}" formatCode="{_attribute(code)}"/>'
            for code, position in self.formats.items()
        )
        number_xfs = "".join(
            f'<xf numFmtId="{self.FIRST_CUSTOM_FORMAT + position}" fontId="0" fillId="0" borderId="0" '
            'xfId="0" applyNumberFormat="1"/>'
            for position in self.formats.values()
        )
        thin = '<left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/>'
        return (
            f'{XML_DECLARATION}<styleSheet xmlns="{MAIN_NS}">'
            + (f'<numFmts count="{len(self.formats)}">{num_fmts}</numFmts>' if self.formats else "")
            + '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
            '<fills count="3"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill>'
            f'<fill><patternFill patternType="solid"><fgColor rgb="FF{HEADER_FILL}"/>'
            '<bgColor indexed="64"/></patternFill></fill></fills>'
            f'<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
            f"<border>{thin}<diagonal/></border></borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{self.FIRST_NUMBER_XF + len(self.formats)}">'
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" '
            'applyFont="1" applyFill="1" applyBorder="1"/>'
            f"{number_xfs}</cellXfs>"
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )


def _text(value: Any) -> str | None:
    """The <t> element of an inline string (xml:space="preserve" when the ends are white); None
    for an empty value."""
    if type(value) is not str:
        if value is None:
            return None
        value = str(value)
    if not value.isprintable():  # drop what XML forbids first: the ends it leaves may be white
        value = _ILLEGAL.sub("", value)
    if not value:
        return None
    white_ends = value.strip(" \t\n\r") != value
    if "&" in value or "<" in value or ">" in value or "\r" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    if white_ends:
        return f'<t xml:space="preserve">{value}</t>'
    return f"<t>{value}</t>"


def _number(value: Any) -> str | None:
    """The <v> text of a number: ints, finite floats and Decimals; None for an empty value
    (None or ""); anything else is refused."""
    kind = type(value)
    if kind is Decimal:
        if value.is_finite():
            return str(value)
    elif kind is int:
        return str(value)
    elif kind is float:
        if math.isfinite(value):
            return repr(value)
    elif value is None or value == "":
        return None
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int):  # subclasses such as IntEnum
        return str(int(value))
    elif isinstance(value, float | Decimal):
        return _number(float(value) if isinstance(value, float) else Decimal(value))
    raise XlsxStreamError(f"{value!r} is no finite number")


class _RowFormat:
    """How the rows of a sheet become XML: each value is converted by its column's converter; a
    row without empty values fills a %-template of the whole row (a cell's reference is optional:
    cells without one follow each other), any other is written cell by cell with references
    (empty cells are left out)."""

    def __init__(self, columns: Sequence[Column], styles: _Styles) -> None:
        self.width = len(columns)
        cells = []
        self.cells: list[tuple[str, str, str, str]] = []  # (letters, attributes, opening, closing)
        self.converters: list[Callable[[Any], str | None]] = []
        for index, column in enumerate(columns):
            style = styles.of(column)
            style_attr = f' s="{style}"' if style else ""
            if column.kind == "number":
                attributes, opening, closing = style_attr, "<v>", "</v></c>"
                self.converters.append(_number)
            else:
                attributes, opening, closing = f' t="inlineStr"{style_attr}', "<is>", "</is></c>"
                self.converters.append(_text)
            self.cells.append((column_letters(index), attributes, opening, closing))
            cells.append(f"<c{attributes}>{opening}%s{closing}")
        self.template = '<row r="%d">' + "".join(cells) + "</row>"

    def sparse_row(self, number: int, converted: Sequence[str | None]) -> str:
        parts = [f'<row r="{number}">']
        for (letters, attributes, opening, closing), text in zip(self.cells, converted, strict=True):
            if text is not None:  # a cell is left out: the others name their place
                parts.append(f'<c r="{letters}{number}"{attributes}>{opening}{text}{closing}')
        parts.append("</row>")
        return "".join(parts)


def _sheet_head(sheet: Sheet) -> str:
    cols = "".join(
        f'<col min="{index}" max="{index}" width="{column.width}" customWidth="1"/>'
        for index, column in enumerate(sheet.columns, start=1)
    )
    header = "".join(
        f'<c r="{column_letters(index)}1" t="inlineStr" s="{_Styles.HEADER}">'
        f'<is><t xml:space="preserve">{xml_text(column.title)}</t></is></c>'
        for index, column in enumerate(sheet.columns)
    )
    return (
        f'{XML_DECLARATION}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{cols}</cols><sheetData>"
        f'<row r="1">{header}</row>'
    )


def _xml_bytes(text: str) -> bytes:
    """UTF-8 of the sheet text without the characters XML 1.0 forbids: lone surrogates are dropped
    by the encoder, C0 controls and U+FFFE/U+FFFF afterwards (markup contains none of them)."""
    data = text.encode("utf-8", "ignore").translate(None, _CONTROL_BYTES)
    if b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data:
        data = data.replace(b"\xef\xbf\xbe", b"").replace(b"\xef\xbf\xbf", b"")
    return data


def _write_sheet(archive: zipfile.ZipFile, path: str, sheet: Sheet, styles: _Styles, batch_rows: int) -> int:
    """Stream one worksheet part; the number of data rows written."""
    formatter = _RowFormat(sheet.columns, styles)
    template, converters, sparse_row, width = (
        formatter.template,
        formatter.converters,
        formatter.sparse_row,
        formatter.width,
    )
    number = 1
    with archive.open(path, "w", force_zip64=True) as part:
        part.write(_xml_bytes(_sheet_head(sheet)))
        batch: list[str] = []
        append = batch.append
        for number, values in enumerate(sheet.rows, start=2):  # the hot loop: kept flat
            if len(values) != width:
                raise XlsxStreamError(f"row {number} has {len(values)} values for {width} columns")
            converted = [convert(value) for convert, value in zip(converters, values, strict=False)]
            if None in converted:
                append(sparse_row(number, converted))
            else:
                append(template % (number, *converted))
            if len(batch) >= batch_rows:
                if number > MAX_ROWS:
                    raise XlsxStreamError(f"more than the {MAX_ROWS} rows a sheet can hold")
                part.write(_xml_bytes("".join(batch)))
                batch.clear()
        if number > MAX_ROWS:
            raise XlsxStreamError(f"more than the {MAX_ROWS} rows a sheet can hold")
        batch.append("</sheetData></worksheet>")
        part.write(_xml_bytes("".join(batch)))
    return number - 1


def _package_parts(sheets: Sequence[Sheet], styles: _Styles) -> dict[str, str]:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{index}.xml" ContentType="{SHEET_TYPE}"/>'
        for index in range(1, len(sheets) + 1)
    )
    sheet_entries = "".join(
        f'<sheet name="{_attribute(sheet.name)}" sheetId="{index}" r:id="rId{index}"/>'
        for index, sheet in enumerate(sheets, start=1)
    )
    sheet_rels = "".join(
        f'<Relationship Id="rId{index}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{index}.xml"/>'
        for index in range(1, len(sheets) + 1)
    )
    return {
        "[Content_Types].xml": (
            f'{XML_DECLARATION}<Types xmlns="{CONTENT_TYPES_NS}">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            f'{XML_DECLARATION}<Relationships xmlns="{PACKAGE_REL_NS}">'
            f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'{XML_DECLARATION}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheet_entries}</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{XML_DECLARATION}<Relationships xmlns="{PACKAGE_REL_NS}">{sheet_rels}'
            f'<Relationship Id="rId{len(sheets) + 1}" Type="{REL_NS}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": styles.xml(),
    }


def _check(sheets: Sequence[Sheet]) -> None:
    if not sheets:
        raise XlsxStreamError("a workbook needs at least one sheet")
    seen: set[str] = set()
    for sheet in sheets:
        name = sheet.name
        if not name or len(name) > MAX_SHEET_NAME or _BAD_SHEET_NAME.search(name) or name[0] == "'":
            raise XlsxStreamError(f"«{name}» is no valid sheet name")
        if name.casefold() in seen:
            raise XlsxStreamError(f"two sheets are named «{name}»")
        seen.add(name.casefold())
        if not sheet.columns:
            raise XlsxStreamError(f"sheet «{name}» has no columns")


def write_xlsx(
    target: IO[bytes] | str,
    sheets: Sequence[Sheet],
    *,
    compresslevel: int = DEFAULT_COMPRESSLEVEL,
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> list[int]:
    """Write the workbook to `target` (a path or a binary file, seekable or not); the number of
    data rows of each sheet."""
    _check(sheets)
    styles = _Styles(sheets)
    counts: list[int] = []
    with zipfile.ZipFile(
        target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
    ) as archive:
        for path, text in _package_parts(sheets, styles).items():
            archive.writestr(path, text.encode())
        for index, sheet in enumerate(sheets, start=1):
            counts.append(_write_sheet(archive, f"xl/worksheets/sheet{index}.xml", sheet, styles, batch_rows))
    return counts
