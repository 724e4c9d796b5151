"""The one way an uploaded file (a material, a licence) leaves the hall.

Every upload was checked by content and written anew, but it still came from outside, so it is
served as something the browser cannot run under the hall's origin:

- a PDF is a download (`Content-Disposition: attachment`): it opens in a viewer outside the
  hall's pages, never in a tab of the hall's origin. Pages that show a PDF draw its pages as PNG
  images instead (`pdf_page_response`).
- an image is shown inline, under `Content-Security-Policy: sandbox` (an opaque origin, no
  scripts, no plugins) — an image needs nothing more. The PDF download carries it too.
- nothing is sniffed (`nosniff`), cached or kept by a proxy (`private, no-store`).
"""

from __future__ import annotations

from typing import IO, Protocol, TypedDict, cast

from django.http import FileResponse, Http404, HttpResponse

from yibao.core.pdf_pages import PREVIEW_PAGES, PageMissing, pdf_page_count, pdf_page_png, preview_pages

PDF = "application/pdf"
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", PDF: "pdf"}
SANDBOX = "sandbox"  # an opaque origin: no scripts, no plugins, no cookies of the hall


class StoredFile(Protocol):
    def open(self, mode: str = ...) -> object: ...


def _open(file: StoredFile) -> IO[bytes]:
    try:
        return cast(IO[bytes], file.open("rb"))
    except (FileNotFoundError, ValueError) as exc:  # ValueError: a field with no file
        raise Http404 from exc


def _harden(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = SANDBOX
    return response


def uploaded_file_response(file: StoredFile, content_type: str, name: str) -> HttpResponse:
    """The stored file: images inline in a sandbox, PDFs (and anything else) as a download.

    `name` is the download's file name without extension; the extension follows the checked
    content type, never the name the uploader gave.
    """
    filename = f"{name}.{EXTENSIONS.get(content_type, 'bin')}"
    response = FileResponse(
        _open(file),
        content_type=content_type,
        as_attachment=content_type not in IMAGE_TYPES,
        filename=filename,
    )
    # A streaming response; the hall's guards are typed for HttpResponse and pass it through.
    return _harden(cast(HttpResponse, response))


def pdf_page_response(file: StoredFile, number: int) -> HttpResponse:
    """Page `number` of a stored PDF, drawn as a PNG image (404 past the drawn pages)."""
    handle = _open(file)
    try:
        png = pdf_page_png(handle, number)
    except PageMissing as exc:
        raise Http404 from exc
    finally:
        handle.close()
    return _harden(HttpResponse(png, content_type="image/png"))


class PdfPreview(TypedDict):
    pages: range
    count: int
    truncated: bool


def pdf_preview(file: StoredFile) -> PdfPreview:
    """What a page needs to draw a stored PDF: the page numbers to draw, the count, whether
    pages are left out (then the download has them)."""
    handle = _open(file)
    try:
        count = pdf_page_count(handle)
    finally:
        handle.close()
    return PdfPreview(pages=preview_pages(count), count=count, truncated=count > PREVIEW_PAGES)
