import io

import pytest
from PIL import Image

from tests.security import hostile_files
from yibao.core.error_codes import CoreErrorCode
from yibao.core.errors import ApplicationError
from yibao.core.uploads import FileKind, upload_check


def png_bytes(size: tuple[int, int] = (20, 10)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    Image.new("RGB", (16, 16), (0, 90, 200)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


MINIMAL_PDF = hostile_files.clean_pdf()


def test_png_is_recognised_and_re_encoded() -> None:
    checked = upload_check(io.BytesIO(png_bytes()))
    assert checked.kind is FileKind.PNG
    assert checked.content_type == "image/png"
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.size == (20, 10)


def test_jpeg_metadata_is_dropped_by_re_encoding() -> None:
    data = jpeg_with_exif()
    assert b"secret description" in data
    checked = upload_check(io.BytesIO(data))
    assert checked.kind is FileKind.JPEG
    assert b"secret description" not in checked.content


def test_pdf_is_accepted_and_rewritten() -> None:
    checked = upload_check(io.BytesIO(MINIMAL_PDF))
    assert checked.kind is FileKind.PDF
    assert checked.content.startswith(b"%PDF-") and checked.size == len(checked.content)


def test_type_comes_from_content_not_name() -> None:
    with pytest.raises(ApplicationError) as caught:
        upload_check(io.BytesIO(b"MZ\x90\x00 an executable renamed to scan.jpg"), field="scan")
    assert caught.value.code is CoreErrorCode.UPLOAD_TYPE_NOT_ALLOWED
    assert caught.value.field == "scan"
    assert "仅支持JPG 图片、PNG 图片、PDF 文件" in caught.value.message


def test_kinds_can_be_narrowed() -> None:
    with pytest.raises(ApplicationError) as caught:
        upload_check(io.BytesIO(MINIMAL_PDF), allowed=frozenset({FileKind.JPEG, FileKind.PNG}))
    assert caught.value.message.startswith("文件格式不正确，仅支持JPG 图片、PNG 图片")


def test_size_limit() -> None:
    with pytest.raises(ApplicationError) as caught:
        upload_check(io.BytesIO(png_bytes()), max_bytes=50)
    assert caught.value.code is CoreErrorCode.UPLOAD_TOO_LARGE


def test_empty_file() -> None:
    with pytest.raises(ApplicationError) as caught:
        upload_check(io.BytesIO(b""))
    assert caught.value.message == "上传的文件为空，请重新选择文件"


def test_truncated_image_is_refused() -> None:
    data = png_bytes((200, 200))[:120]
    with pytest.raises(ApplicationError) as caught:
        upload_check(io.BytesIO(data))
    assert caught.value.code is CoreErrorCode.UPLOAD_CORRUPT


def test_pdf_with_javascript_is_refused() -> None:
    with pytest.raises(ApplicationError) as caught:
        upload_check(io.BytesIO(hostile_files.pdf_javascript_open_action()))
    assert caught.value.code is CoreErrorCode.UPLOAD_TYPE_NOT_ALLOWED


def test_truncated_pdf_is_refused() -> None:
    with pytest.raises(ApplicationError) as caught:
        upload_check(io.BytesIO(MINIMAL_PDF[:30]))
    assert caught.value.code is CoreErrorCode.UPLOAD_CORRUPT
