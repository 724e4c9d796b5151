from enum import StrEnum


class NewbornErrorCode(StrEnum):
    BIRTH_DATE = "newborns.birth_date"
    ID_MISMATCH = "newborns.id_mismatch"
    GUARDIAN = "newborns.guardian"
    DUPLICATE = "newborns.duplicate"
    INVALID_VALUE = "newborns.invalid_value"
