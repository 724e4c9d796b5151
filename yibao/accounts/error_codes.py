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
