"""Password policy of each regional profile, and a strength meter.

The policy (`validate_password_policy`) is what the profile requires: a length between
password_min and password_max, at least one character of each class in password_classes,
no whitespace, and printable ASCII only (U+0021..U+007E).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from yibao.core.errors import ApplicationError
from yibao.core.profiles import CharClass, PolicyProfile, get_profile
from yibao.core.validators.error_codes import PasswordErrorCode
from yibao.core.validators.form_adapters import as_django_validator

MESSAGE_REQUIRED = "请输入密码"
MESSAGE_WHITESPACE = "密码不能包含空格"
MESSAGE_CHARACTERS = "密码只能由英文字母、数字和英文符号组成"

_DIGITS = frozenset("0123456789")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_CLASS_CHARS: dict[CharClass, frozenset[str]] = {
    CharClass.DIGIT: _DIGITS,
    CharClass.LETTER: _LOWER | _UPPER,
    CharClass.LOWER: _LOWER,
    CharClass.UPPER: _UPPER,
}
# Printable ASCII other than letters and digits: ! " # $ % & ' ( ) * + , - . / : ; < = > ? @
# [ \ ] ^ _ ` { | } ~ (U+0021..U+007E without 0-9 A-Z a-z).
_SYMBOLS = frozenset(chr(code) for code in range(0x21, 0x7F)) - _DIGITS - _LOWER - _UPPER


def _fail(code: PasswordErrorCode, message: str, field: str | None) -> ApplicationError:
    return ApplicationError(code, message, field=field)


def validate_password_policy(
    password: str, *, profile: PolicyProfile | None = None, field: str | None = None
) -> None:
    """Check a password against the profile (default: the active one).

    Order: empty; whitespace anywhere; a character outside printable ASCII; length; required
    character classes. Length and class failures carry the profile's own hint as the message
    (e.g. «必须由8-16位数字、大写、小写字母组成»).
    """
    active = profile or get_profile()
    if not password:
        raise _fail(PasswordErrorCode.REQUIRED, MESSAGE_REQUIRED, field)
    if any(char.isspace() for char in password):
        raise _fail(PasswordErrorCode.WHITESPACE, MESSAGE_WHITESPACE, field)
    if any(not "\x21" <= char <= "\x7e" for char in password):
        raise _fail(PasswordErrorCode.CHARACTERS, MESSAGE_CHARACTERS, field)
    if not active.password_min <= len(password) <= active.password_max:
        raise _fail(PasswordErrorCode.LENGTH, active.password_hint, field)
    chars = set(password)
    if any(chars.isdisjoint(_CLASS_CHARS[char_class]) for char_class in active.password_classes):
        raise _fail(PasswordErrorCode.CLASSES, active.password_hint, field)


class ProfilePasswordValidator:
    """Django AUTH_PASSWORD_VALIDATORS entry applying the profile's password policy.

    OPTIONS may name a fixed profile ({"profile": "beijing"}); by default the active profile
    (setting YIBAO_PROFILE) is read at each call.
    """

    def __init__(self, profile: str | None = None) -> None:
        self.profile_code = profile

    def _profile(self) -> PolicyProfile:
        return get_profile(self.profile_code)

    def validate(self, password: str, user: Any = None) -> None:
        try:
            validate_password_policy(password, profile=self._profile())
        except ApplicationError as exc:
            raise ValidationError(exc.message, code=str(exc.code)) from exc

    def get_help_text(self) -> str:
        return self._profile().password_hint


@dataclass(frozen=True)
class Strength:
    score: int
    label: str


WEAK = Strength(0, "弱")
MEDIUM = Strength(1, "中")
STRONG = Strength(2, "强")


def password_strength(password: str) -> Strength:
    r"""Strength shown next to the password field; mirrored exactly by a JavaScript module.

    Definitions:

    * length = number of Unicode code points (JavaScript: ``Array.from(password).length``).
    * classes = how many of these four classes occur at least once:
      lowercase ``[a-z]``, uppercase ``[A-Z]``, digit ``[0-9]``, other printable = the ASCII
      symbols U+0021..U+007E that are not letters or digits (JavaScript regex
      ``/[!-\/:-@\[-`{-~]/``). Any other character (space, non-ASCII) counts for no class.

    Rule, first match wins:

    1. length < 8 or classes <= 1 -> score 0, label "弱";
    2. classes >= 3 and length >= 10 -> score 2, label "强";
    3. otherwise -> score 1, label "中".

    The empty password is 弱. Strength is advisory; the policy above decides acceptance.
    """
    chars = set(password)
    classes = sum(
        1 for class_chars in (_LOWER, _UPPER, _DIGITS, _SYMBOLS) if not chars.isdisjoint(class_chars)
    )
    length = len(password)
    if length < 8 or classes <= 1:
        return WEAK
    if classes >= 3 and length >= 10:
        return STRONG
    return MEDIUM


password_policy_django_validator = as_django_validator(validate_password_policy)

MESSAGE_COMMON = "该密码过于常见，容易被他人猜中，请设置其他密码"
MESSAGE_LIKE_ACCOUNT = "密码不能与账号、手机号或证件号码相同或相近，请设置其他密码"
_DJANGO_MESSAGES = {"password_too_common": MESSAGE_COMMON, "password_too_similar": MESSAGE_LIKE_ACCOUNT}


def validate_new_password(
    password: str, *, identifiers: tuple[str, ...] = (), field: str | None = None
) -> None:
    """Every rule a password being set must pass: the profile's policy first (its own message),
    then the whole AUTH_PASSWORD_VALIDATORS list — a common password, or one like the account,
    mobile or 证件号码 it protects (`identifiers`), is refused."""
    validate_password_policy(password, field=field)
    lowered = password.lower()
    for identifier in identifiers:
        text = identifier.strip().lower()
        if len(text) >= 6 and (text in lowered or lowered in text):
            raise _fail(PasswordErrorCode.LIKE_ACCOUNT, MESSAGE_LIKE_ACCOUNT, field)
    probe = get_user_model()(username=next((i for i in identifiers if i.strip()), ""))
    try:
        validate_password(password, user=probe)
    except ValidationError as error:
        code = next((e.code for e in error.error_list if e.code in _DJANGO_MESSAGES), None)
        message = _DJANGO_MESSAGES.get(code or "", error.messages[0])
        raise _fail(PasswordErrorCode.REFUSED, message, field) from error
