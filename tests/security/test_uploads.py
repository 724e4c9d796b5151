"""Hostile PDFs: each trick of the attack on the running hall is refused; polyglots are cut back
to the PDF they contain; clean files pass and are rewritten."""

from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import Image, PngImagePlugin

from tests.security import hostile_files
from yibao.core.error_codes import CoreErrorCode
from yibao.core.errors import ApplicationError
from yibao.core.uploads import FileKind, upload_check


@pytest.mark.parametrize("make", hostile_files.HOSTILE_PDFS.values(), ids=hostile_files.HOSTILE_PDFS.keys())
def test_a_pdf_that_could_act_is_refused(make) -> None:
    data = make()
    with pytest.raises(ApplicationError) as caught:
        upload_check(io.BytesIO(data))
    assert caught.value.code is CoreErrorCode.UPLOAD_TYPE_NOT_ALLOWED
    assert caught.value.message.endswith("不能上传，请另存为普通 PDF 后重试")


def test_the_tricks_hide_from_a_byte_search() -> None:
    """What the old check looked for is not in these files, so only parsing finds them."""
    assert b"/JavaScript" not in hostile_files.pdf_hex_escaped_javascript()
    assert b"/JavaScript" not in hostile_files.pdf_javascript_in_object_stream()
    assert b"/Launch" not in hostile_files.pdf_hex_escaped_launch()
    assert b"/EmbeddedFile" not in hostile_files.pdf_embedded_file()


@pytest.mark.parametrize("make", [hostile_files.pdf_zip_polyglot, hostile_files.pdf_html_polyglot])
def test_a_polyglot_keeps_only_its_pdf(make) -> None:
    checked = upload_check(io.BytesIO(make()))
    assert checked.kind is FileKind.PDF
    assert b"PK\x03\x04" not in checked.content and b"<html" not in checked.content
    with pikepdf.open(io.BytesIO(checked.content)) as pdf:
        assert len(pdf.pages) == 1


def test_a_clean_pdf_passes_rewritten() -> None:
    checked = upload_check(io.BytesIO(hostile_files.clean_pdf()))
    assert (checked.kind, checked.content_type) == (FileKind.PDF, "application/pdf")
    with pikepdf.open(io.BytesIO(checked.content)) as pdf:
        assert len(pdf.pages) == 1


@pytest.mark.parametrize(
    "data",
    [
        hostile_files.pdf_encrypted(),
        hostile_files.clean_pdf()[:200],
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n",
    ],
    ids=["encrypted", "truncated", "no pages"],
)
def test_an_unreadable_pdf_is_refused_as_damaged(data: bytes) -> None:
    with pytest.raises(ApplicationError) as caught:
        upload_check(io.BytesIO(data))
    assert caught.value.code is CoreErrorCode.UPLOAD_CORRUPT
    assert caught.value.message == "PDF 文件不完整、已损坏或已加密，请重新上传"


def test_an_image_keeps_its_pixels_only() -> None:
    """A JPEG comment (COM segment) and PNG text chunks can carry markup or tracking data; the
    re-encoded file has neither."""
    jpeg = io.BytesIO()
    Image.new("RGB", (16, 16), (1, 2, 3)).save(jpeg, format="JPEG", comment=b"<script>COM-SECRET</script>")
    png_info = PngImagePlugin.PngInfo()
    png_info.add_text("Comment", "PNG-SECRET")
    png = io.BytesIO()
    Image.new("RGB", (16, 16)).save(png, format="PNG", pnginfo=png_info)
    for data, secret in ((jpeg.getvalue(), b"COM-SECRET"), (png.getvalue(), b"PNG-SECRET")):
        assert secret in data
        checked = upload_check(io.BytesIO(data))
        assert secret not in checked.content
        with Image.open(io.BytesIO(checked.content)) as image:
            assert image.size == (16, 16)
