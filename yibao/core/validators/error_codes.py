"""Stable error codes of the validators (values are part of the API: never rename a value)."""

from enum import StrEnum


class UsccErrorCode(StrEnum):
    REQUIRED = "validators.uscc_required"
    LENGTH = "validators.uscc_length"
    CHARACTERS = "validators.uscc_characters"
    AUTHORITY_CATEGORY = "validators.uscc_authority_category"
    REGION = "validators.uscc_region"
    CHECK_DIGIT = "validators.uscc_check_digit"


class IdentityErrorCode(StrEnum):
    REQUIRED = "validators.cert_required"
    # 居民身份证 (certificate type 01)
    ID_LEGACY = "validators.id_legacy"
    ID_LENGTH = "validators.id_length"
    ID_FORMAT = "validators.id_format"
    ID_BIRTH_DATE = "validators.id_birth_date"
    ID_DIVISION = "validators.id_division"
    ID_CHECK_DIGIT = "validators.id_check_digit"
    # 港澳台居民居住证 (certificate type 17)
    HMT_LENGTH = "validators.hmt_length"
    HMT_FORMAT = "validators.hmt_format"
    HMT_PREFIX = "validators.hmt_prefix"
    HMT_BIRTH_DATE = "validators.hmt_birth_date"
    HMT_CHECK_DIGIT = "validators.hmt_check_digit"
    # 外国人永久居留身份证 (certificate type 07)
    FOREIGN_FORMAT = "validators.foreign_format"
    FOREIGN_BIRTH_DATE = "validators.foreign_birth_date"
    FOREIGN_CHECK_DIGIT = "validators.foreign_check_digit"
    # any other certificate type
    CERT_TOO_LONG = "validators.cert_too_long"
    CERT_WHITESPACE = "validators.cert_whitespace"


class ContactErrorCode(StrEnum):
    MOBILE_REQUIRED = "validators.mobile_required"
    MOBILE_INVALID = "validators.mobile_invalid"
    POSTCODE_REQUIRED = "validators.postcode_required"
    POSTCODE_INVALID = "validators.postcode_invalid"


class AccountErrorCode(StrEnum):
    REQUIRED = "validators.account_required"
    CHINESE = "validators.account_chinese"
    CHARACTERS = "validators.account_characters"
    LENGTH = "validators.account_length"


class PasswordErrorCode(StrEnum):
    REQUIRED = "validators.password_required"
    WHITESPACE = "validators.password_whitespace"
    CHARACTERS = "validators.password_characters"
    LENGTH = "validators.password_length"
    CLASSES = "validators.password_classes"
    LIKE_ACCOUNT = "validators.password_like_account"
    REFUSED = "validators.password_refused"


class NameErrorCode(StrEnum):
    REQUIRED = "validators.name_required"
    LENGTH = "validators.name_length"
    DIGITS = "validators.name_digits"
    CHARACTERS = "validators.name_characters"
    NOT_CHINESE = "validators.name_not_chinese"
