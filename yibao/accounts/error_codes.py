from enum import StrEnum


class SmsErrorCode(StrEnum):
    TOO_SOON = "sms.too_soon"
    DAILY_LIMIT = "sms.daily_limit"
    NOT_SENT = "sms.not_sent"
    EXPIRED = "sms.expired"
    USED = "sms.used"
    TOO_MANY_ATTEMPTS = "sms.too_many_attempts"
    WRONG = "sms.wrong"
    REQUIRED = "sms.required"
    SEND_FAILED = "sms.send_failed"


class LoginErrorCode(StrEnum):
    INVALID = "login.invalid"
    LOCKED = "login.locked"
    IP_LIMITED = "login.ip_limited"
    NO_UNIT = "login.no_unit"
    UNIT_NOT_BOUND = "login.unit_not_bound"


class RegistrationErrorCode(StrEnum):
    ACCOUNT_TAKEN = "registration.account_taken"
    USCC_REGISTERED = "registration.uscc_registered"
    USCC_UNKNOWN = "registration.uscc_unknown"
    HELD_MISMATCH = "registration.held_mismatch"
    OPERATOR_PASSWORD_WRONG = "registration.operator_password_wrong"
    MOBILE_TAKEN = "registration.mobile_taken"


class RecoveryErrorCode(StrEnum):
    MISMATCH = "recovery.mismatch"
    LIMITED = "recovery.limited"


class SelfServiceErrorCode(StrEnum):
    CERT_MISMATCH = "self_service.cert_mismatch"
    SAME_PASSWORD = "self_service.same_password"
