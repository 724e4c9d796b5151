"""Unit account names (单位账号): ASCII letters and digits, length from the active profile.

Letters and digits are the allowed alphabet, not required classes: "abcdefgh" and "12345678"
are both valid (Henan: «由字母和数字组成的8-20个字符序列»).
"""

from __future__ import annotations

import re

from yibao.core.errors import ApplicationError
from yibao.core.profiles import PolicyProfile, get_profile
from yibao.core.validators.error_codes import AccountErrorCode
from yibao.core.validators.form_adapters import as_django_validator

_ALNUM = re.compile(r"[A-Za-z0-9]+")
# CJK ideographs (unified, extension A, compatibility, extensions B and later) and CJK punctuation.
_CHINESE = re.compile(
    r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60\U00020000-\U0003134f]"
)


def _fail(code: AccountErrorCode, message: str, field: str | None) -> ApplicationError:
    return ApplicationError(code, message, field=field)


def validate_account_name(
    value: str, *, profile: PolicyProfile | None = None, field: str | None = None
) -> str:
    """Check a unit account name against the profile (default: the active one); return it stripped.

    Order: empty «请输入账号», Chinese or full-width characters «账号不支持中文», any other
    character outside A-Z a-z 0-9 «账号只能由字母和数字组成», length «账号长度应为m-n位».
    """
    active = profile or get_profile()
    name = (value or "").strip()
    if not name:
        raise _fail(AccountErrorCode.REQUIRED, "请输入账号", field)
    if _CHINESE.search(name):
        raise _fail(AccountErrorCode.CHINESE, "账号不支持中文", field)
    if not _ALNUM.fullmatch(name):
        raise _fail(AccountErrorCode.CHARACTERS, "账号只能由字母和数字组成", field)
    if not active.account_min <= len(name) <= active.account_max:
        message = f"账号长度应为{active.account_min}-{active.account_max}位"
        raise _fail(AccountErrorCode.LENGTH, message, field)
    return name


account_name_django_validator = as_django_validator(validate_account_name)
