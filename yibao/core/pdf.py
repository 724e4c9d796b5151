"""HTML to PDF with WeasyPrint, shared by every printed document (打印报表, 参保证明), and the one
font they are set in.

Every stylesheet names one CJK face, `FONT_FAMILY` (Debian fonts-noto-cjk), which WeasyPrint embeds
as a subset, so a document prints the same on any machine; long lists drawn without WeasyPrint
(`pdf_tables`) read the same face's file. `scripts/ensure_system_packages.sh` installs the package
when fontconfig does not know the family, and a system check says so at start. Parsed stylesheets
are kept per file.
"""

from __future__ import annotations

import gc
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from weasyprint import CSS, HTML

FONT_FAMILY = "Noto Sans CJK SC"
FONT_PACKAGE = "fonts-noto-cjk"


class PdfFontMissing(RuntimeError):
    """fontconfig does not know `FONT_FAMILY`: printed documents cannot be set in it."""


@dataclass(frozen=True)
class FontFile:
    path: Path
    index: int  # the face within a collection (.ttc)


def pdf_font_find() -> FontFile | None:
    """The file of `FONT_FAMILY`'s regular face as fontconfig resolves it, or None when fontconfig
    would substitute another family (it always answers with something)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    done = subprocess.run(  # noqa: S603 - a fixed program and pattern
        [fc_match, "--format=%{family}\t%{file}\t%{index}", f"{FONT_FAMILY}:style=Regular"],
        capture_output=True,
        text=True,
        check=False,
    )
    parts = done.stdout.split("\t")
    if done.returncode or len(parts) != 3:
        return None
    families, path, index = parts
    if FONT_FAMILY not in families.split(","):
        return None
    return FontFile(path=Path(path), index=int(index or 0))


@cache
def pdf_font() -> FontFile:
    """`FONT_FAMILY`'s file; PdfFontMissing when it is not installed (kept once found)."""
    found = pdf_font_find()
    if found is None:
        raise PdfFontMissing(f"PDF font {FONT_FAMILY!r} is not installed: install Debian's {FONT_PACKAGE}")
    return found


@cache
def _stylesheet(path: str) -> CSS:
    return CSS(filename=path)


def pdf_from_html(html: str, *, stylesheet: Path) -> bytes:
    """The HTML page as a PDF, laid out by the stylesheet (its @page rule sets the paper)."""
    pdf: bytes = HTML(string=html).write_pdf(stylesheets=[_stylesheet(str(stylesheet))])
    _renderer_garbage_collect()
    return pdf


def _renderer_garbage_collect() -> None:
    """Free the reference cycles a rendering leaves (font tables, layout boxes: 50–100 MB a PDF
    with the CJK face) now, where that is cheap: in a process that froze its start-up heap
    (gc.freeze, as config/gunicorn.conf.py does in each web worker) a full collection walks only
    what was made since, about 3 ms. Elsewhere it would walk everything (over 100 ms) and is left
    to the collector's own schedule."""
    if gc.get_freeze_count():
        gc.collect()
