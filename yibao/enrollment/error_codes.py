from enum import StrEnum


class EnrollmentErrorCode(StrEnum):
    REFUSED = "enrollment.refused"
    NOT_ACTIVE = "enrollment.not_active"
    NONE_CHOSEN = "enrollment.none_chosen"
    TOO_MANY = "enrollment.too_many"
    DATE_OUTSIDE_WINDOW = "enrollment.date_outside_window"
    DATE_BEFORE_START = "enrollment.date_before_start"
    INVALID_VALUE = "enrollment.invalid_value"
    PENDING = "enrollment.pending"
