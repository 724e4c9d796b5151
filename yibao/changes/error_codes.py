from enum import StrEnum


class ChangeErrorCode(StrEnum):
    INVALID_VALUE = "changes.invalid_value"
    NOTHING_CHANGED = "changes.nothing_changed"
    PERSON_NOT_FOUND = "changes.person_not_found"
    INCONSISTENT_WITH_ID = "changes.inconsistent_with_id"
