from enum import StrEnum


class ContributionErrorCode(StrEnum):
    FILE_REFUSED = "contributions.file_refused"
    ROWS_INVALID = "contributions.rows_invalid"
    EMPTY = "contributions.empty"
