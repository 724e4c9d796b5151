from enum import StrEnum


class CoreErrorCode(StrEnum):
    UPLOAD_EMPTY = "core.upload_empty"
    UPLOAD_TOO_LARGE = "core.upload_too_large"
    UPLOAD_TYPE_NOT_ALLOWED = "core.upload_type_not_allowed"
    UPLOAD_CORRUPT = "core.upload_corrupt"
    DIVISION_UNKNOWN = "core.division_unknown"
    CODE_UNKNOWN = "core.code_unknown"
