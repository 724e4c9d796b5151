from enum import StrEnum


class ExportErrorCode(StrEnum):
    SAME_PENDING = "exports.same_pending"
    TOO_MANY_PENDING = "exports.too_many_pending"
