"""Mobile numbers and postal codes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from yibao.core.errors import ApplicationError
from yibao.core.validators.contact import (
    mobile_django_validator,
    postcode_django_validator,
    validate_mobile,
    validate_postcode,
)
from yibao.core.validators.error_codes import ContactErrorCode


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("19912345678", "19912345678"),
        (" 15012345678 ", "15012345678"),
        ("１８６１２３４５６７８", "18612345678"),
    ],
)
def test_valid_mobile_numbers_are_accepted(raw: str, expected: str) -> None:
    assert validate_mobile(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "12800138000",
        "10800138000",
        "23800138000",
        "1380013800",
        "138001380000",
        "138 0013 8000",
        "138-0013-8000",
        "+8613800138000",
        "1380013800a",
    ],
)
def test_invalid_mobile_numbers_are_refused(raw: str) -> None:
    with pytest.raises(ApplicationError) as caught:
        validate_mobile(raw, field="mob")
    assert caught.value.code == ContactErrorCode.MOBILE_INVALID
    assert caught.value.message == "请输入正确的手机号码"
    assert caught.value.field == "mob"


def test_empty_mobile_is_refused() -> None:
    with pytest.raises(ApplicationError) as caught:
        validate_mobile("  ")
    assert (caught.value.code, caught.value.message) == (ContactErrorCode.MOBILE_REQUIRED, "请输入手机号码")


@pytest.mark.parametrize(
    ("raw", "expected"), [("650000", "650000"), ("010000", "010000"), (" 100080 ", "100080")]
)
def test_valid_postcodes_are_accepted(raw: str, expected: str) -> None:
    assert validate_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["900000", "65000", "6500000", "65000A", "650 00"])
def test_invalid_postcodes_are_refused(raw: str) -> None:
    with pytest.raises(ApplicationError) as caught:
        validate_postcode(raw, field="poscode")
    assert caught.value.code == ContactErrorCode.POSTCODE_INVALID
    assert caught.value.message == "邮政编码应为6位数字"
    assert caught.value.field == "poscode"


def test_empty_postcode_is_refused() -> None:
    with pytest.raises(ApplicationError) as caught:
        validate_postcode("")
    assert (caught.value.code, caught.value.message) == (ContactErrorCode.POSTCODE_REQUIRED, "请输入邮政编码")


def test_django_validators_raise_validation_error() -> None:
    mobile_django_validator("13800138000")
    postcode_django_validator("650000")
    with pytest.raises(ValidationError) as caught:
        mobile_django_validator("12800138000")
    assert (caught.value.code, caught.value.messages) == (
        "validators.mobile_invalid",
        ["请输入正确的手机号码"],
    )
    with pytest.raises(ValidationError) as caught:
        postcode_django_validator("900000")
    assert (caught.value.code, caught.value.messages) == (
        "validators.postcode_invalid",
        ["邮政编码应为6位数字"],
    )
