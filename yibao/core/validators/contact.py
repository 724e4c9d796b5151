"""Contact details: mainland mobile numbers and postal codes."""

from __future__ import annotations

import re

from yibao.core.errors import ApplicationError
from yibao.core.validators._text import to_halfwidth
from yibao.core.validators.error_codes import ContactErrorCode
from yibao.core.validators.form_adapters import as_django_validator

MESSAGES: dict[ContactErrorCode, str] = {
    ContactErrorCode.MOBILE_REQUIRED: "请输入手机号码",
    ContactErrorCode.MOBILE_INVALID: "请输入正确的手机号码",
    ContactErrorCode.POSTCODE_REQUIRED: "请输入邮政编码",
    ContactErrorCode.POSTCODE_INVALID: "邮政编码应为6位数字",
}

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_POSTCODE = re.compile(r"[0-8][0-9]{5}")


def _fail(code: ContactErrorCode, field: str | None) -> ApplicationError:
    return ApplicationError(code, MESSAGES[code], field=field)


def validate_mobile(value: str, *, field: str | None = None) -> str:
    """Check a mainland mobile number (11 digits, 1[3-9] then 9 digits); return it stripped.

    Full-width digits are converted to ASCII; no prefix (+86) or separators are accepted.
    """
    number = to_halfwidth(value or "").strip()
    if not number:
        raise _fail(ContactErrorCode.MOBILE_REQUIRED, field)
    if not _MOBILE.fullmatch(number):
        raise _fail(ContactErrorCode.MOBILE_INVALID, field)
    return number


def validate_postcode(value: str, *, field: str | None = None) -> str:
    """Check a postal code (6 digits, the first one 0-8); return it stripped."""
    code = to_halfwidth(value or "").strip()
    if not code:
        raise _fail(ContactErrorCode.POSTCODE_REQUIRED, field)
    if not _POSTCODE.fullmatch(code):
        raise _fail(ContactErrorCode.POSTCODE_INVALID, field)
    return code


mobile_django_validator = as_django_validator(validate_mobile)
postcode_django_validator = as_django_validator(validate_postcode)
