"""Pages of an uploaded PDF drawn as PNG images, so a reader never opens the PDF in the hall.

A PDF shown in the browser runs in the browser's PDF viewer, under the origin that served it; a
sandboxing Content-Security-Policy keeps scripts out but also stops Chromium's viewer. So the
hall serves uploaded PDFs only as downloads (see `core.file_responses`) and shows them as images
drawn here with PDFium (the engine of Chromium's own viewer, through pypdfium2). Uploads were
already parsed and written anew by `core.pdf_uploads`, so PDFium reads a clean file.

PDFium is not thread-safe: one lock serialises the drawing within a process.
"""

from __future__ import annotations

import io
import threading
from typing import IO

import pypdfium2

PREVIEW_PAGES = 30  # pages drawn on a review page; the rest are in the downloaded file
PAGE_WIDTH = 1240  # pixels: an A4 page at 150 dpi, enough to read a stamped scan
MAX_PIXELS = 1240 * 3508  # an A4 page at 150 dpi, twice as long: a strip is not drawn larger

_pdfium_lock = threading.Lock()


class PageMissing(Exception):
    """The document has no such page, or cannot be read."""


def _open(source: IO[bytes]) -> pypdfium2.PdfDocument:
    try:
        return pypdfium2.PdfDocument(source.read())
    except pypdfium2.PdfiumError as exc:
        raise PageMissing(str(exc)) from exc


def pdf_page_count(source: IO[bytes]) -> int:
    """How many pages the document has (0 if it cannot be read)."""
    with _pdfium_lock:
        try:
            document = _open(source)
        except PageMissing:
            return 0
        try:
            return len(document)
        finally:
            document.close()


def preview_pages(count: int) -> range:
    """The page numbers (from 1) a review page draws."""
    return range(1, min(count, PREVIEW_PAGES) + 1)


def _scale(width_pt: float, height_pt: float) -> float:
    """Points to pixels: PAGE_WIDTH wide, and never more than MAX_PIXELS in all."""
    if width_pt <= 0 or height_pt <= 0:
        raise PageMissing("empty page")
    scale = PAGE_WIDTH / width_pt
    area = width_pt * height_pt * scale * scale
    if area > MAX_PIXELS:
        scale *= (MAX_PIXELS / area) ** 0.5
    return scale


def pdf_page_png(source: IO[bytes], number: int) -> bytes:
    """Page `number` (from 1, within PREVIEW_PAGES) as a PNG image."""
    if not 1 <= number <= PREVIEW_PAGES:
        raise PageMissing(f"page {number} is not drawn")
    with _pdfium_lock:
        document = _open(source)
        try:
            if number > len(document):
                raise PageMissing(f"page {number} of {len(document)}")
            page = document[number - 1]
            try:
                width, height = page.get_size()
                bitmap = page.render(scale=_scale(width, height), may_draw_forms=False)
                image = bitmap.to_pil().convert("RGB")  # a copy, independent of PDFium's buffer
            finally:
                page.close()
        finally:
            document.close()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
