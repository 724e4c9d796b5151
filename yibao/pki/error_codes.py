from enum import StrEnum


class CaErrorCode(StrEnum):
    CHALLENGE_MISSING = "ca.challenge_missing"
    CHALLENGE_EXPIRED = "ca.challenge_expired"
    CHALLENGE_STALE = "ca.challenge_stale"
    MALFORMED = "ca.malformed"
    SIGNATURE = "ca.signature"
    NOT_YET_VALID = "ca.not_yet_valid"
    EXPIRED = "ca.expired"
    KEY_USAGE = "ca.key_usage"
    UNTRUSTED = "ca.untrusted"
    REVOKED = "ca.revoked"
    CRL_STALE = "ca.crl_stale"
    CRL_MISSING = "ca.crl_missing"
    NO_USCC = "ca.no_uscc"
    NOT_REGISTERED = "ca.not_registered"
    WRONG_UNIT = "ca.wrong_unit"
    NOT_BOUND = "ca.not_bound"
    ACCOUNT_DISABLED = "ca.account_disabled"
    LOCKED = "ca.locked"
