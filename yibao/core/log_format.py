"""Log records as the hall writes them: one JSON object a line in production (plain text in
development), each carrying the request id, none carrying an ID number or a mobile number.

python-json-logger formats the records: it is a plain `logging.Formatter`, so Django's, gunicorn's
and every library's loggers come out as JSON without changing a call site (structlog would need
its own pipeline wrapped around the standard library for the same result). This module imports
nothing from Django: gunicorn's master process loads it for its own logs before Django is set up.

DESIGN §4 keeps personal numbers out of logs. Call sites do not log them, and as a second line
every formatted line has what looks like a 居民身份证号码 or a mobile number masked the way pages
mask them (`1101**********1234`, `166****0715`): a message, an exception text, an extra field.
"""

from __future__ import annotations

import logging
import re
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

# The request id of the request this thread (or task) is serving; "-" outside a request.
NO_REQUEST = "-"
current_request_id: ContextVar[str] = ContextVar("yibao_request_id", default=NO_REQUEST)

# A number must stand alone: letters or digits around it make it part of something else (a
# request id in hex, a longer number).
_ALONE_BEFORE = r"(?<![0-9A-Za-z])"
_ALONE_AFTER = r"(?![0-9A-Za-z])"
ID_NUMBER = re.compile(
    _ALONE_BEFORE
    + r"([1-9]\d{3})(\d{2}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(\d{3}[0-9Xx])"
    + _ALONE_AFTER
)
MOBILE = re.compile(_ALONE_BEFORE + r"(1[3-9]\d)(\d{4})(\d{4})" + _ALONE_AFTER)


def personal_numbers_mask(text: str) -> str:
    """`text` with every 18-character 居民身份证号码 and 11-digit mobile number masked."""
    text = ID_NUMBER.sub(lambda m: m.group(1) + "*" * 10 + m.group(3), text)
    return MOBILE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (the current request's, or "-") to every record a handler emits."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True


class JsonFormatter(_LibraryJsonFormatter):
    """One JSON object a line: time, level, logger, message, request_id, the record's extra fields
    and the exception, personal numbers masked. Django's request loggers pass the request object
    as an extra; it is left out (its repr holds the query string)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("json_ensure_ascii", False)
        if not args and "fmt" not in kwargs:
            kwargs["fmt"] = ["levelname", "name", "message"]
        super().__init__(*args, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        return personal_numbers_mask(super().format(record))


class PlainFormatter(logging.Formatter):
    """Development's one line a record, with the request id, personal numbers masked."""

    def __init__(self, fmt: str | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(
            fmt or "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s", *args, **kwargs
        )

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return personal_numbers_mask(super().format(record))
