"""Unit account names under the regional profiles."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from pytest_django.fixtures import Settings

from yibao.core.errors import ApplicationError
from yibao.core.profiles import get_profile
from yibao.core.validators.account import account_name_django_validator, validate_account_name
from yibao.core.validators.error_codes import AccountErrorCode


def refusal(value: str, profile: str = "national") -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        validate_account_name(value, profile=get_profile(profile), field="account")
    assert caught.value.field == "account"
    return caught.value


@pytest.mark.parametrize("name", ["abcd", "ABC1", "1234", "a" * 30, "Unit2024Yunnan"])
def test_national_accepts_letters_and_digits_of_4_to_30(name: str) -> None:
    assert validate_account_name(name, profile=get_profile("national")) == name


def test_surrounding_whitespace_is_stripped() -> None:
    assert validate_account_name("  abc123 ", profile=get_profile("national")) == "abc123"


@pytest.mark.parametrize("name", ["abc", "a" * 31])
def test_national_length_is_refused_with_its_numbers(name: str) -> None:
    error = refusal(name)
    assert (error.code, error.message) == (AccountErrorCode.LENGTH, "账号长度应为4-30位")


@pytest.mark.parametrize("name", ["abcdefgh", "12345678", "abcd1234", "A" * 20])
def test_henan_letters_and_digits_are_an_alphabet_not_required_classes(name: str) -> None:
    assert validate_account_name(name, profile=get_profile("henan")) == name


@pytest.mark.parametrize("name", ["abc1234", "a" * 21])
def test_henan_length_is_8_to_20(name: str) -> None:
    error = refusal(name, "henan")
    assert (error.code, error.message) == (AccountErrorCode.LENGTH, "账号长度应为8-20位")


@pytest.mark.parametrize("name", ["单位账号01", "abc中文", "ａｂｃｄ", "abc，def"])
def test_chinese_input_is_refused(name: str) -> None:
    error = refusal(name)
    assert (error.code, error.message) == (AccountErrorCode.CHINESE, "账号不支持中文")


@pytest.mark.parametrize("name", ["abc_123", "abc 123", "abc-123", "user@unit", "abcé12"])
def test_other_characters_are_refused(name: str) -> None:
    error = refusal(name)
    assert (error.code, error.message) == (AccountErrorCode.CHARACTERS, "账号只能由字母和数字组成")


def test_empty_account_is_refused() -> None:
    error = refusal("   ")
    assert (error.code, error.message) == (AccountErrorCode.REQUIRED, "请输入账号")


def test_active_profile_comes_from_settings(settings: Settings) -> None:
    # given the Henan profile is active
    settings.YIBAO_PROFILE = "henan"
    # then a 6-character name, fine nationally, is too short
    with pytest.raises(ApplicationError) as caught:
        validate_account_name("abc123")
    assert caught.value.message == "账号长度应为8-20位"
    settings.YIBAO_PROFILE = "national"
    assert validate_account_name("abc123") == "abc123"


def test_django_validator_uses_the_active_profile(settings: Settings) -> None:
    settings.YIBAO_PROFILE = "henan"
    account_name_django_validator("abcd1234")
    with pytest.raises(ValidationError) as caught:
        account_name_django_validator("abc")
    assert (caught.value.code, caught.value.messages) == ("validators.account_length", ["账号长度应为8-20位"])
