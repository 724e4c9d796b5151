"""Long lists drawn straight into PDF pages: a batch application's persons (up to 100,000) printed
after its form.

WeasyPrint lays a table row out in about 6 ms, so 100,000 rows would take ten minutes; drawn here a
row costs a few string operations. Each page carries the list's heading (title, particulars and
第 n 页 共 N 页) and a ruled table whose column header repeats; a cell's text wraps by character
inside its column. The text is set in the documents' one face (`pdf.FONT_FAMILY`, a CID-keyed CFF
font), subset to the characters used and embedded with a ToUnicode map, so the list can be
searched and copied like the WeasyPrint pages it is appended to.

`table_plan` lays the rows out (widths, wrapping, page breaks) so the caller knows the page count
before it renders the form that announces it; `table_pages_append` draws the pages after a PDF's.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import pikepdf
from fontTools import subset
from fontTools.ttLib import TTFont

from yibao.core.pdf import FontFile, pdf_font

PAGE_WIDTH, PAGE_HEIGHT = 595.28, 841.89  # A4 portrait, in points, like the forms before the list
MARGIN = 34.0  # 12 mm
FONT_SIZE = 8.0
LEADING = 10.0
PAD_X, PAD_Y = 2.5, 2.5
TITLE_SIZE = 12.0
INFO_SIZE = 8.5
INFO_LEADING = 12.0
RULE = 0.5


class _Face:
    """The font's characters: each one's CID (as the 4 hex digits drawn) and advance width; read
    from the font file once per process, the per-character answers kept as they are asked (a
    100,000-row list measures and draws each text through C-level dict look-ups)."""

    def __init__(self, font: FontFile) -> None:
        self.font = font
        tt = TTFont(str(font.path), fontNumber=font.index, lazy=True)
        self.cmap: dict[int, str] = tt.getBestCmap()
        self.metrics: dict[str, tuple[int, int]] = tt["hmtx"].metrics
        self.scale = 1000 / tt["head"].unitsPerEm
        head, os2 = tt["head"], tt["OS/2"]
        self.bbox = [round(v * self.scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
        self.ascent = round(os2.sTypoAscender * self.scale)
        self.descent = round(os2.sTypoDescender * self.scale)
        self.cap_height = round(getattr(os2, "sCapHeight", 0) * self.scale) or self.ascent
        self.postscript_name = str(tt["name"].getDebugName(6) or "NotoSansCJK").replace(" ", "")
        self.notdef_advance = self.metrics[".notdef"][0] * self.scale
        self.advances: dict[str, float] = {}  # character -> advance per 1000 em
        self.codes: dict[int, str] = {}  # code point -> CID as 4 hex digits (a str.translate table)

    def learn(self, text: str) -> None:
        """Know every character of the text (a character the font lacks draws as .notdef)."""
        for char in set(text).difference(self.advances):
            name = self.cmap.get(ord(char))
            if name is None or not name.startswith("cid"):
                self.codes[ord(char)] = "0000"
                self.advances[char] = self.notdef_advance
            else:
                self.codes[ord(char)] = f"{int(name[3:]):04x}"
                self.advances[char] = self.metrics[name][0] * self.scale

    def width(self, text: str, size: float) -> float:
        try:
            units = sum(map(self.advances.__getitem__, text))
        except KeyError:
            self.learn(text)
            units = sum(map(self.advances.__getitem__, text))
        return units * size / 1000

    def encode(self, text: str) -> str:
        """The text as the hex string of its CIDs (every character learnt before)."""
        return text.translate(self.codes)


@cache
def _face(font: FontFile) -> _Face:
    return _Face(font)


def _wrap(face: _Face, text: str, width: float, size: float) -> list[str]:
    """The text in lines no wider than `width` (by character: Chinese has no spaces to break at)."""
    if face.width(text, size) <= width:
        return [text]
    lines, line, used = [], "", 0.0
    for char in text:
        advance = face.advances[char] * size / 1000
        if line and used + advance > width:
            lines.append(line)
            line, used = "", 0.0
        line += char
        used += advance
    lines.append(line)
    return lines


def _column_widths(natural: list[float], available: float) -> list[float]:
    """Each column as wide as its widest text when they all fit; otherwise the narrow ones keep
    their width and the wide ones share what is left equally (their text wraps)."""
    total = sum(natural)
    if total <= available:
        spare = (available - total) / len(natural)
        return [width + spare for width in natural]
    widths = [0.0] * len(natural)
    remaining, left = available, len(natural)
    for index in sorted(range(len(natural)), key=natural.__getitem__):
        widths[index] = min(natural[index], remaining / left)
        remaining -= widths[index]
        left -= 1
    return widths


@dataclass
class TablePlan:
    """A list laid out: column widths, every cell's lines and the rows of each page."""

    title: str
    particulars: list[str]  # lines under the title (第 n 页 共 N 页 is at the title's right)
    columns: list[list[str]]  # the header's lines per column
    widths: list[float]
    header_height: float
    rows: list[list[list[str]]] = field(repr=False)  # per row, per column, its lines
    heights: list[float] = field(repr=False)
    pages: list[tuple[int, int]] = field(default_factory=list)  # [start, end) of each page

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def heading_height(self) -> float:
        """The title, the particulars' lines and a gap above the table."""
        return TITLE_SIZE + 6 + len(self.particulars) * INFO_LEADING + 6


def table_plan(
    *, title: str, particulars: Sequence[str], columns: Sequence[str], rows: Sequence[Sequence[str]]
) -> TablePlan:
    """Lay the rows out on A4 pages under the title and the particulars (e.g. the 办件编号), each
    page repeating them and the column header."""
    face = _face(pdf_font())
    pad = 2 * PAD_X
    for text in (title, *particulars, "第页共 0123456789", *columns):
        face.learn(text)
    natural = [face.width(label, FONT_SIZE) + pad for label in columns]
    widths_of: dict[str, float] = {}  # many cells repeat (labels, dates): each text measured once
    for row in rows:
        for index, text in enumerate(row):
            width = widths_of.get(text)
            if width is None:
                width = widths_of[text] = face.width(text, FONT_SIZE) + pad
            if width > natural[index]:
                natural[index] = width
    widths = _column_widths(natural, PAGE_WIDTH - 2 * MARGIN)
    inner = [width - pad for width in widths]
    header = [_wrap(face, label, inner[i], FONT_SIZE) for i, label in enumerate(columns)]
    header_height = max(len(lines) for lines in header) * LEADING + 2 * PAD_Y
    wrapped: dict[tuple[int, str], list[str]] = {}
    fits = [natural[i] <= widths[i] for i in range(len(columns))]
    laid: list[list[list[str]]] = []
    heights: list[float] = []
    for row in rows:
        cells = []
        for i, text in enumerate(row):
            if fits[i] or widths_of[text] <= widths[i]:
                cells.append([text])
                continue
            lines = wrapped.get((i, text))
            if lines is None:
                lines = wrapped[(i, text)] = _wrap(face, text, inner[i], FONT_SIZE)
            cells.append(lines)
        laid.append(cells)
        heights.append(max(map(len, cells)) * LEADING + 2 * PAD_Y)
    lines = [part for line in particulars for part in _wrap(face, line, PAGE_WIDTH - 2 * MARGIN, INFO_SIZE)]
    plan = TablePlan(title, lines, header, widths, header_height, laid, heights)
    room = PAGE_HEIGHT - 2 * MARGIN - plan.heading_height - header_height
    start, used = 0, 0.0
    for index, height in enumerate(heights):
        if index > start and used + height > room:
            plan.pages.append((start, index))
            start, used = index, 0.0
        used += height
    plan.pages.append((start, len(heights)))
    return plan


class _Writer:
    """Draws the planned pages (every text was measured by the plan, so its characters are known)
    and notes the characters drawn, for the font subset."""

    def __init__(self, face: _Face) -> None:
        self.face = face
        self.drawn: set[str] = set()

    def _text(self, out: list[str], at: str, text: str) -> None:
        if text:
            self.drawn.update(text)
            out.append(f"1 0 0 1 {at} Tm <{self.face.encode(text)}> Tj\n")

    def page(self, plan: TablePlan, number: int) -> bytes:
        start, end = plan.pages[number - 1]
        left, right, top = MARGIN, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - MARGIN
        table_top = top - plan.heading_height
        face = self.face
        out = [  # the header row's shading first, under its text
            f"0.93 g {left:.2f} {table_top - plan.header_height:.2f} {right - left:.2f} "
            f"{plan.header_height:.2f} re f 0 g\n",
            "BT\n",
            f"/F1 {TITLE_SIZE} Tf\n",
        ]
        title_x = (PAGE_WIDTH - face.width(plan.title, TITLE_SIZE)) / 2
        self._text(out, f"{title_x:.2f} {top - TITLE_SIZE:.2f}", plan.title)
        out.append(f"/F1 {INFO_SIZE} Tf\n")
        folio = f"第 {number} 页 共 {plan.page_count} 页"
        self._text(out, f"{right - face.width(folio, INFO_SIZE):.2f} {top - TITLE_SIZE:.2f}", folio)
        info_y = top - TITLE_SIZE - 6
        for line in plan.particulars:
            info_y -= INFO_LEADING
            self._text(out, f"{left:.2f} {info_y:.2f}", line)
        out.append(f"/F1 {FONT_SIZE} Tf\n")
        xs = [left]
        for width in plan.widths:
            xs.append(xs[-1] + width)
        text_xs = [f"{x + PAD_X:.2f} " for x in xs[:-1]]
        baseline = PAD_Y + FONT_SIZE * face.ascent / 1000
        self._cells(out, text_xs, table_top - baseline, plan.columns)
        y = table_top - plan.header_height
        rules = [table_top, y]
        for index in range(start, end):
            self._cells(out, text_xs, y - baseline, plan.rows[index])
            y -= plan.heights[index]
            rules.append(y)
        out.append("ET\n")
        out.append(f"{RULE} w\n")
        out.extend(f"{left:.2f} {rule:.2f} m {right:.2f} {rule:.2f} l\n" for rule in rules)
        out.extend(f"{x:.2f} {table_top:.2f} m {x:.2f} {y:.2f} l\n" for x in xs)
        out.append("S\n")
        return "".join(out).encode("ascii")

    def _cells(self, out: list[str], xs: list[str], baseline: float, cells: list[list[str]]) -> None:
        first = f"{baseline:.2f}"
        for index, lines in enumerate(cells):
            if len(lines) == 1:
                self._text(out, xs[index] + first, lines[0])
                continue
            for offset, line in enumerate(lines):
                self._text(out, f"{xs[index]}{baseline - offset * LEADING:.2f}", line)


def _subset_cff(font: FontFile, codes: set[str]) -> bytes:
    """The font's CFF table (CID-keyed) with only the glyphs drawn; their CIDs stay as they were."""
    tt = TTFont(str(font.path), fontNumber=font.index, lazy=True)
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = []
    options.notdef_outline = True
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(glyphs={".notdef", *(f"cid{int(code, 16):05d}" for code in codes if code != "0000")})
    subsetter.subset(tt)
    data: bytes = tt.getTableData("CFF ")
    return data


def _to_unicode(used: dict[str, str]) -> bytes:
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <ffff>",
        "endcodespacerange",
    ]
    pairs = sorted((code, char) for code, char in used.items() if code != "0000")
    for start in range(0, len(pairs), 100):
        block = pairs[start : start + 100]
        lines.append(f"{len(block)} beginbfchar")
        lines.extend(f"<{code}> <{char.encode('utf-16-be').hex()}>" for code, char in block)
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def _font(pdf: pikepdf.Pdf, face: _Face, drawn: set[str]) -> pikepdf.Object:
    """The Type0 font of the characters drawn (Identity-H: the codes drawn are the CIDs)."""
    used = {face.encode(char): char for char in sorted(drawn)}  # CID hex -> a character it draws
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256("".join(sorted(used)).encode()).digest()[:6])
    name = pikepdf.Name("/" + f"{tag}+{face.postscript_name}")
    widths: list[object] = []
    for code in sorted(used):
        advance = round(face.advances[used[code]])
        if advance != 1000:
            widths += [int(code, 16), pikepdf.Array([advance])]
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor,
        FontName=name,
        Flags=4,
        FontBBox=pikepdf.Array(face.bbox),
        ItalicAngle=0,
        Ascent=face.ascent,
        Descent=face.descent,
        CapHeight=face.cap_height,
        StemV=80,
        FontFile3=pdf.make_stream(_subset_cff(face.font, set(used)), Subtype=pikepdf.Name.CIDFontType0C),
    )
    cid_font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.CIDFontType0,
        BaseFont=name,
        CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        FontDescriptor=pdf.make_indirect(descriptor),
        DW=1000,
        W=pikepdf.Array(widths),
    )
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type0,
            BaseFont=name,
            Encoding=pikepdf.Name("/Identity-H"),
            DescendantFonts=pikepdf.Array([pdf.make_indirect(cid_font)]),
            ToUnicode=pdf.make_stream(_to_unicode(used)),
        )
    )


def table_pages_append(document: bytes, plan: TablePlan) -> bytes:
    """The PDF `document` with the planned list's pages after its own."""
    writer = _Writer(_face(pdf_font()))
    with pikepdf.open(io.BytesIO(document)) as pdf:
        resources = pdf.make_indirect(pikepdf.Dictionary(Font=pikepdf.Dictionary()))
        for number in range(1, plan.page_count + 1):
            page = pikepdf.Dictionary(
                Type=pikepdf.Name.Page,
                MediaBox=pikepdf.Array([0, 0, PAGE_WIDTH, PAGE_HEIGHT]),
                Resources=resources,
                Contents=pdf.make_stream(writer.page(plan, number)),
            )
            pdf.pages.append(pikepdf.Page(pdf.make_indirect(page)))
        resources.Font.F1 = _font(pdf, writer.face, writer.drawn)
        out = io.BytesIO()
        pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()
