from enum import StrEnum


class EnrollmentErrorCode(StrEnum):
    REFUSED = "enrollment.refused"
