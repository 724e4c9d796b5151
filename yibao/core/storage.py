"""Where uploads that must never be served directly are kept."""

from __future__ import annotations

import uuid

from django.core.files.storage import Storage, storages

EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}


def private_storage() -> Storage:
    """The storage "private" of settings.STORAGES: outside the web root (a local directory,
    YIBAO_PRIVATE_MEDIA_ROOT, or a private bucket), read only through views that check who asks."""
    return storages["private"]


def random_file_name(folder: str, content_type: str) -> str:
    """A random name: nothing the uploader chose reaches the file system."""
    return f"{folder}/{uuid.uuid4().hex}{EXTENSIONS.get(content_type, '')}"
