"""Password policy per profile, the Django password validator, and the strength meter."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from yibao.core.errors import ApplicationError
from yibao.core.profiles import get_profile
from yibao.core.validators.error_codes import PasswordErrorCode as Code
from yibao.core.validators.passwords import (
    MEDIUM,
    STRONG,
    WEAK,
    ProfilePasswordValidator,
    Strength,
    password_policy_django_validator,
    password_strength,
    validate_new_password,
    validate_password_policy,
)

BEIJING_HINT = "必须由8-16位数字、大写、小写字母组成"
NATIONAL_HINT = "请输入8-16位字符密码，必须由数字、字母组成"
HENAN_HINT = "请输入8-20位字符，含数字"


def refusal(password: str, profile: str) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        validate_password_policy(password, profile=get_profile(profile), field="password")
    assert caught.value.field == "password"
    return caught.value


@pytest.mark.parametrize(
    ("profile", "password"),
    [
        ("national", "abcdefg1"),
        ("national", "ABCDEFG1"),
        ("national", "abc!@#12"),
        ("national", "a1" * 8),
        ("yunnan", "Yunnan2024"),
        ("beijing", "Beijing1"),
        ("beijing", "Bj1!" * 4),
        ("henan", "12345678"),
        ("henan", "henan2024"),
        ("henan", "h1" * 10),
    ],
)
def test_passwords_meeting_the_profile_are_accepted(profile: str, password: str) -> None:
    validate_password_policy(password, profile=get_profile(profile))


@pytest.mark.parametrize(
    ("profile", "password", "code", "message"),
    [
        ("national", "abcde12", Code.LENGTH, NATIONAL_HINT),
        ("national", "a1" * 8 + "x", Code.LENGTH, NATIONAL_HINT),
        ("national", "abcdefgh", Code.CLASSES, NATIONAL_HINT),
        ("national", "12345678", Code.CLASSES, NATIONAL_HINT),
        ("beijing", "beijing1", Code.CLASSES, BEIJING_HINT),
        ("beijing", "BEIJING1", Code.CLASSES, BEIJING_HINT),
        ("beijing", "Beijingx", Code.CLASSES, BEIJING_HINT),
        ("beijing", "Bj1", Code.LENGTH, BEIJING_HINT),
        ("henan", "abcdefgh", Code.CLASSES, HENAN_HINT),
        ("henan", "h1" * 10 + "x", Code.LENGTH, HENAN_HINT),
    ],
)
def test_passwords_breaking_the_profile_get_its_hint(
    profile: str, password: str, code: Code, message: str
) -> None:
    error = refusal(password, profile)
    assert (error.code, error.message) == (code, message)


@pytest.mark.parametrize(
    ("password", "code", "message"),
    [
        ("", Code.REQUIRED, "请输入密码"),
        ("abcd 1234", Code.WHITESPACE, "密码不能包含空格"),
        ("abcd1234\t", Code.WHITESPACE, "密码不能包含空格"),
        ("abcd\u30001234", Code.WHITESPACE, "密码不能包含空格"),
        ("abcd1234密码", Code.CHARACTERS, "密码只能由英文字母、数字和英文符号组成"),
        ("ａｂｃｄ1234", Code.CHARACTERS, "密码只能由英文字母、数字和英文符号组成"),
        ("abcd1234\x7f", Code.CHARACTERS, "密码只能由英文字母、数字和英文符号组成"),
    ],
)
def test_passwords_with_forbidden_characters_are_refused(password: str, code: Code, message: str) -> None:
    error = refusal(password, "national")
    assert (error.code, error.message) == (code, message)


def test_active_profile_comes_from_settings(settings: Settings) -> None:
    settings.YIBAO_PROFILE = "beijing"
    with pytest.raises(ApplicationError) as caught:
        validate_password_policy("beijing1")
    assert caught.value.message == BEIJING_HINT
    settings.YIBAO_PROFILE = "national"
    validate_password_policy("beijing1")


def test_profile_password_validator_follows_the_active_profile(settings: Settings) -> None:
    # given the Beijing profile
    settings.YIBAO_PROFILE = "beijing"
    validator = ProfilePasswordValidator()
    # then its help text is the profile hint and it applies the Beijing classes
    assert validator.get_help_text() == BEIJING_HINT
    validator.validate("Beijing1")
    with pytest.raises(ValidationError) as caught:
        validator.validate("beijing1", user=None)
    assert (caught.value.code, caught.value.messages) == ("validators.password_classes", [BEIJING_HINT])


def test_profile_password_validator_can_pin_a_profile(settings: Settings) -> None:
    settings.YIBAO_PROFILE = "beijing"
    validator = ProfilePasswordValidator(profile="henan")
    assert validator.get_help_text() == HENAN_HINT
    validator.validate("12345678a")


def test_django_password_validation_uses_the_profile_validator(settings: Settings) -> None:
    # given the configured AUTH_PASSWORD_VALIDATORS and the Beijing profile
    settings.YIBAO_PROFILE = "beijing"
    validators = [ProfilePasswordValidator()]
    # then Django's own entry points report the profile rule
    assert password_validators_help_texts(validators) == [BEIJING_HINT]
    with pytest.raises(ValidationError) as caught:
        validate_password("lowercase1", password_validators=validators)
    assert caught.value.messages == [BEIJING_HINT]


def test_settings_reference_the_profile_validator(settings: Settings) -> None:
    names = [entry["NAME"] for entry in settings.AUTH_PASSWORD_VALIDATORS]
    assert "yibao.core.validators.passwords.ProfilePasswordValidator" in names


def test_django_adapter_raises_validation_error(settings: Settings) -> None:
    settings.YIBAO_PROFILE = "national"
    password_policy_django_validator("abcdefg1")
    with pytest.raises(ValidationError) as caught:
        password_policy_django_validator("abcdefgh")
    assert caught.value.code == "validators.password_classes"


# --- strength ------------------------------------------------------------------------------------


def test_strength_levels() -> None:
    assert (Strength(0, "弱"), Strength(1, "中"), Strength(2, "强")) == (WEAK, MEDIUM, STRONG)


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("", WEAK),
        ("Ab1!", WEAK),  # 4 classes but shorter than 8
        ("Ab1!xyz", WEAK),  # 7 characters
        ("abcdefghijkl", WEAK),  # one class
        ("12345678901234", WEAK),  # one class
        ("!@#$%^&*()", WEAK),  # one class: symbols
        ("abcdefg1", MEDIUM),  # 2 classes, 8 characters
        ("abcdefghi1", MEDIUM),  # 2 classes, 10 characters
        ("Abcdefg1", MEDIUM),  # 3 classes, 8 characters
        ("Abcdefgh1", MEDIUM),  # 3 classes, 9 characters
        ("Abcdefgh12", STRONG),  # 3 classes, 10 characters
        ("abcdefgh!1", STRONG),  # lower + symbol + digit
        ("Ab1!Ab1!Ab", STRONG),  # 4 classes, 10 characters
        ("abcdefg 1", MEDIUM),  # space counts for no class but for the length
        ("密码密码密码密码ab1", MEDIUM),  # non-ASCII counts for the length only: 2 classes
        ("密码密码密码密码密码", WEAK),  # no class at all
        ("Abcdefgh\U0001f600", MEDIUM),  # astral character: one code point, length 9
    ],
)
def test_strength_rule(password: str, expected: Strength) -> None:
    assert password_strength(password) == expected


def test_strength_is_frozen() -> None:
    with pytest.raises(AttributeError):
        WEAK.score = 2  # type: ignore[misc]


@hypothesis_settings(max_examples=200, deadline=None)
@given(password=st.text(max_size=24), extra=st.characters())
def test_appending_a_character_never_lowers_the_strength(password: str, extra: str) -> None:
    # length grows and the set of classes can only grow, so the score is monotonic
    assert password_strength(password + extra).score >= password_strength(password).score


@hypothesis_settings(max_examples=200, deadline=None)
@given(password=st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=24))
def test_strength_label_matches_score(password: str) -> None:
    strength = password_strength(password)
    assert strength.label == {0: "弱", 1: "中", 2: "强"}[strength.score]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "identifiers", "message"),
    [
        ("Password123", (), "该密码过于常见，容易被他人猜中，请设置其他密码"),
        ("dw20261123A", ("dw20261123",), "密码不能与账号、手机号或证件号码相同或相近，请设置其他密码"),
        ("a13988887777", ("13988887777",), "密码不能与账号、手机号或证件号码相同或相近，请设置其他密码"),
    ],
)
def test_a_new_password_passes_every_validator(
    password: str, identifiers: tuple[str, ...], message: str
) -> None:
    with pytest.raises(ApplicationError) as refused:
        validate_new_password(password, identifiers=identifiers, field="password")
    assert (refused.value.message, refused.value.field) == (message, "password")


@pytest.mark.django_db
def test_a_good_new_password_passes() -> None:
    validate_new_password("Qz7kWm2pLr", identifiers=("dw20261123", "13988887777"))
