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
    NATIONAL_REGISTERED = "registration.national_registered"


class RecoveryErrorCode(StrEnum):
    MISMATCH = "recovery.mismatch"
    LIMITED = "recovery.limited"


class SelfServiceErrorCode(StrEnum):
    CERT_MISMATCH = "self_service.cert_mismatch"
    SAME_PASSWORD = "self_service.same_password"


class OidcErrorCode(StrEnum):
    """Why a 统一身份认证平台登录 was refused (audited as `oidc_login_refused`)."""

    NOT_OFFERED = "oidc.not_offered"
    UNAVAILABLE = "oidc.unavailable"  # the provider did not answer (discovery, token, keys)
    UNKNOWN_ISSUER = "oidc.unknown_issuer"  # discovery, authorization response or ID token
    STATE_MISSING = "oidc.state_missing"
    STATE_MISMATCH = "oidc.state_mismatch"  # unknown, another session's or already used
    CANCELLED = "oidc.cancelled"  # the user declined at the provider
    PROVIDER_ERROR = "oidc.provider_error"
    TOKEN_REFUSED = "oidc.token_refused"  # the token endpoint refused the code
    NO_ID_TOKEN = "oidc.no_id_token"
    BAD_SIGNATURE = "oidc.bad_signature"
    WRONG_AUDIENCE = "oidc.wrong_audience"
    WRONG_NONCE = "oidc.wrong_nonce"
    EXPIRED = "oidc.expired"
    INVALID_TOKEN = "oidc.invalid_token"
    NOT_LEGAL_PERSON = "oidc.not_legal_person"
    CLAIMS_INVALID = "oidc.claims_invalid"
    LINKED_ELSEWHERE = "oidc.linked_elsewhere"  # the identity belongs to another unit
    UNIT_LINKED_OTHERWISE = "oidc.unit_linked_otherwise"  # the unit has another identity
    ACCOUNT_DISABLED = "oidc.account_disabled"
    ADDRESS_LIMITED = "oidc.address_limited"


class NationalLoginErrorCode(StrEnum):
    UNAVAILABLE = "login.national_unavailable"
    REGISTERED_HERE = "login.registered_here"
    CONFLICT = "login.account_conflict"
