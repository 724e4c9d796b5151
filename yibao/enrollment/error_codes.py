from enum import StrEnum


class EnrollmentErrorCode(StrEnum):
    REFUSED = "enrollment.refused"
    PERSON_NOT_FOUND = "enrollment.person_not_found"
    NOT_ACTIVE = "enrollment.not_active"
    NONE_CHOSEN = "enrollment.none_chosen"
    TOO_MANY = "enrollment.too_many"
    DATE_OUTSIDE_WINDOW = "enrollment.date_outside_window"
    DATE_BEFORE_START = "enrollment.date_before_start"
    INCONSISTENT_WITH_ID = "enrollment.inconsistent_with_id"
    NOTHING_CHANGED = "enrollment.nothing_changed"
    INVALID_VALUE = "enrollment.invalid_value"
