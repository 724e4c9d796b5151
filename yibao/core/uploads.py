"""Checking uploaded files by what they contain, not by what they are called.

Accepted kinds are recognised by their leading bytes; images are decoded fully and re-encoded
(which drops metadata such as GPS positions and anything appended to the file); PDFs are
parsed and written anew, and refused when they could act on their own (`pdf_uploads`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from enum import StrEnum
from typing import IO

from django.conf import settings
from PIL import Image, UnidentifiedImageError

from yibao.core.error_codes import CoreErrorCode
from yibao.core.errors import ApplicationError
from yibao.core.pdf_uploads import PdfRefused, PdfUnreadable, pdf_rewrite


class FileKind(StrEnum):
    JPEG = "jpg"
    PNG = "png"
    PDF = "pdf"


KIND_LABELS = {FileKind.JPEG: "JPG 图片", FileKind.PNG: "PNG 图片", FileKind.PDF: "PDF 文件"}
_CONTENT_TYPES = {FileKind.JPEG: "image/jpeg", FileKind.PNG: "image/png", FileKind.PDF: "application/pdf"}
_MAX_PIXELS = 40_000_000  # refuses decompression bombs well before memory runs out


@dataclass(frozen=True)
class CheckedUpload:
    kind: FileKind
    content: bytes
    content_type: str
    size: int


def sniff_kind(head: bytes) -> FileKind | None:
    if head.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG
    if head.startswith(b"%PDF-"):
        return FileKind.PDF
    return None


def upload_check(
    stream: IO[bytes],
    *,
    allowed: frozenset[FileKind] = frozenset(FileKind),
    max_bytes: int | None = None,
    field: str | None = None,
) -> CheckedUpload:
    """Read, identify and clean an upload; raise ApplicationError with a Chinese message."""
    limit = max_bytes or settings.YIBAO_UPLOAD_MAX_BYTES
    data = stream.read(limit + 1)
    if not data:
        raise ApplicationError(CoreErrorCode.UPLOAD_EMPTY, "上传的文件为空，请重新选择文件", field=field)
    if len(data) > limit:
        raise ApplicationError(
            CoreErrorCode.UPLOAD_TOO_LARGE,
            f"文件大小不能超过{_human_size(limit)}",
            field=field,
        )
    kind = sniff_kind(data[:16])
    if kind is None or kind not in allowed:
        names = "、".join(KIND_LABELS[k] for k in FileKind if k in allowed)
        raise ApplicationError(
            CoreErrorCode.UPLOAD_TYPE_NOT_ALLOWED,
            f"文件格式不正确，仅支持{names}（按文件内容识别，修改扩展名无效）",
            field=field,
        )
    content = _clean_pdf(data, field) if kind is FileKind.PDF else _reencode_image(data, kind, field)
    return CheckedUpload(kind=kind, content=content, content_type=_CONTENT_TYPES[kind], size=len(content))


def _reencode_image(data: bytes, kind: FileKind, field: str | None) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > _MAX_PIXELS:
                raise ApplicationError(
                    CoreErrorCode.UPLOAD_TOO_LARGE, "图片尺寸过大，请压缩后上传", field=field
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            mode = (
                "RGB"
                if kind is FileKind.JPEG
                else image.mode
                if image.mode in {"RGB", "RGBA", "L", "LA", "P"}
                else "RGBA"
            )
            clean = image.convert(mode)
            clean.info.clear()  # the pixels only: no comment (JPEG COM), EXIF, ICC or text chunks
            out = io.BytesIO()
            if kind is FileKind.JPEG:
                clean.save(out, format="JPEG", quality=90, optimize=True)
            else:
                clean.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except ApplicationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ApplicationError(
            CoreErrorCode.UPLOAD_CORRUPT, "图片文件已损坏或无法识别，请重新上传", field=field
        ) from exc


def _clean_pdf(data: bytes, field: str | None) -> bytes:
    try:
        return pdf_rewrite(data)
    except PdfUnreadable as exc:
        raise ApplicationError(
            CoreErrorCode.UPLOAD_CORRUPT, "PDF 文件不完整、已损坏或已加密，请重新上传", field=field
        ) from exc
    except PdfRefused as exc:
        raise ApplicationError(
            CoreErrorCode.UPLOAD_TYPE_NOT_ALLOWED,
            f"{exc.reason}，不能上传，请另存为普通 PDF 后重试",
            field=field,
        ) from exc


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:g}MB"
    return f"{size / 1024:g}KB"
