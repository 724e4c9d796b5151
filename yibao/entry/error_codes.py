from enum import StrEnum


class UnitChoiceErrorCode(StrEnum):
    NO_UNIT = "login.no_unit"
    UNIT_NOT_BOUND = "login.unit_not_bound"


class RegistrationErrorCode(StrEnum):
    ACCOUNT_TAKEN = "registration.account_taken"
    USCC_REGISTERED = "registration.uscc_registered"
    USCC_UNKNOWN = "registration.uscc_unknown"
    HELD_MISMATCH = "registration.held_mismatch"
    OPERATOR_PASSWORD_WRONG = "registration.operator_password_wrong"
    OPERATOR_LOCKED = "registration.operator_locked"
    MOBILE_TAKEN = "registration.mobile_taken"
    VERIFIED_MISMATCH = "registration.verified_mismatch"
    CONTACT_MISMATCH = "registration.contact_mismatch"


class RecoveryErrorCode(StrEnum):
    MISMATCH = "recovery.mismatch"
    LIMITED = "recovery.limited"


class SelfServiceErrorCode(StrEnum):
    CERT_MISMATCH = "self_service.cert_mismatch"
    SAME_PASSWORD = "self_service.same_password"
