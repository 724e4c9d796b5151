"""Where uploads that must never be served directly are kept."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage

EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}


def private_storage() -> FileSystemStorage:
    """Outside the web root (settings.YIBAO_PRIVATE_MEDIA_ROOT), read only through views that
    check who asks."""
    return FileSystemStorage(location=settings.YIBAO_PRIVATE_MEDIA_ROOT)


def random_file_name(folder: str, content_type: str) -> str:
    """A random name: nothing the uploader chose reaches the file system."""
    return f"{folder}/{uuid.uuid4().hex}{EXTENSIONS.get(content_type, '')}"
