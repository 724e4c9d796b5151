"""The one error type that services raise, with a stable code and a Chinese message.

Views turn it into a form error at the named field (or the error summary); the API turns it
into a JSON body. Codes are enums per app (`<app>/error_codes.py`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ApplicationError(Exception):
    def __init__(
        self,
        code: StrEnum,
        message: str,
        *,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.extra = extra or {}

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": str(self.code), "message": self.message}
        if self.field:
            body["field"] = self.field
        if self.extra:
            body["extra"] = self.extra
        return body

    def __repr__(self) -> str:
        return f"ApplicationError({self.code!s}, {self.message!r}, field={self.field!r})"
