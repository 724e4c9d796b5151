from enum import StrEnum


class CatalogErrorCode(StrEnum):
    FILE_UNREADABLE = "catalog.file_unreadable"
    FILE_TYPE = "catalog.file_type"
    FILE_EMPTY = "catalog.file_empty"
    COLUMNS_MISSING = "catalog.columns_missing"
    ROWS_INVALID = "catalog.rows_invalid"
    KIND_UNKNOWN = "catalog.kind_unknown"
    REGION_UNKNOWN = "catalog.region_unknown"
    ENTRY_INVALID = "catalog.entry_invalid"
    FILE_REFUSED = "catalog.file_refused"
