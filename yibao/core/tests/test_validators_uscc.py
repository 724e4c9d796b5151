"""统一社会信用代码 validator (GB 32100-2015)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from hypothesis import assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pytest_django.fixtures import Settings
from stdnum.cn import uscc as stdnum_uscc

from yibao.core.errors import ApplicationError
from yibao.core.validators.error_codes import UsccErrorCode
from yibao.core.validators.uscc import uscc_django_validator, validate_uscc

# The standard, written out independently of the implementation (facts.md §1).
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
DIGITS = "0123456789"
# Authority/category pairs whose meaning is verified in facts.md §1.
AUTHORITY_CATEGORY_PAIRS = ("11", "12", "13", "19", "51", "52", "53", "59", "91", "92", "93", "Y1")
EXAMPLES = (
    "91350200776049653A",
    "91440101MA5CJQ4N59",
    "91350213678251743X",
    "91530112MA6NQ2P807",
    "12530000431204582D",
    "52110108MJ0001AB6R",
)
ALLOWLISTED = "91350203M0001QAY9B"


def check_char(body: str) -> str:
    total = sum(CHARSET.index(char) * weight for char, weight in zip(body, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def refusal(value: str) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        validate_uscc(value)
    return caught.value


def test_weights_are_powers_of_three_mod_31() -> None:
    assert tuple(pow(3, i, 31) for i in range(17)) == WEIGHTS


@pytest.mark.parametrize("code", EXAMPLES)
def test_published_and_constructed_examples_are_accepted(code: str) -> None:
    # given a code from facts.md, when validated, then it is returned unchanged
    assert validate_uscc(code) == code


@pytest.mark.parametrize("code", EXAMPLES)
def test_test_check_char_agrees_with_examples(code: str) -> None:
    assert check_char(code[:17]) == code[17]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  91350200776049653a ", "91350200776049653A"),
        ("91440101ma5cjq4n59", "91440101MA5CJQ4N59"),
        ("９１３５０２００７７６０４９６５３Ａ", "91350200776049653A"),
    ],
)
def test_input_is_normalised(raw: str, expected: str) -> None:
    assert validate_uscc(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "\u3000"])
def test_empty_input_is_refused(raw: str) -> None:
    error = refusal(raw)
    assert error.code == UsccErrorCode.REQUIRED
    assert error.message == "请输入统一社会信用代码"


@pytest.mark.parametrize("raw", ["9135020077604965", "91350200776049653AA", "9135 0200776049653A"])
def test_wrong_length_is_refused(raw: str) -> None:
    error = refusal(raw)
    assert error.code == UsccErrorCode.LENGTH
    assert error.message == "统一社会信用代码应为18位"


@pytest.mark.parametrize("bad", ["I", "O", "S", "V", "Z", "-", "*"])
def test_characters_outside_the_set_are_refused(bad: str) -> None:
    # given a valid code whose organisation part contains an excluded character
    error = refusal("91350200776049" + bad + "53A")
    assert error.code == UsccErrorCode.CHARACTERS
    assert error.message == "统一社会信用代码含有无效字符（不使用I、O、S、V、Z）"


@pytest.mark.parametrize("prefix", ["01", "B1", "94", "99", "14", "54", "Y2", "90"])
def test_unknown_authority_or_category_is_refused(prefix: str) -> None:
    body = prefix + "350200776049653"
    error = refusal(body + check_char(body))
    assert error.code == UsccErrorCode.AUTHORITY_CATEGORY
    assert error.message == "统一社会信用代码的登记管理部门代码或机构类别代码不正确"


@pytest.mark.parametrize("region", ["A50200", "35020B", "3502Y0"])
def test_region_must_be_six_digits(region: str) -> None:
    body = "91" + region + "776049653"
    error = refusal(body + check_char(body))
    assert error.code == UsccErrorCode.REGION
    assert error.message == "统一社会信用代码的第3-8位应为行政区划码（6位数字）"


def test_wrong_check_digit_is_refused() -> None:
    error = refusal("91350200776049653B")
    assert error.code == UsccErrorCode.CHECK_DIGIT
    assert error.message == "统一社会信用代码校验位不正确"


def test_field_name_is_carried() -> None:
    with pytest.raises(ApplicationError) as caught:
        validate_uscc("91350200776049653B", field="emp_entt_codg")
    assert caught.value.field == "emp_entt_codg"


def test_letter_authority_is_accepted_although_stdnum_validate_refuses_it() -> None:
    # given a structurally valid code of authority Y (其他) with a correct check character
    body = "Y1110108MA0001AB6"
    code = body + check_char(body)
    # then python-stdnum's validate() refuses it (it wants 8 leading digits) but we accept it
    assert not stdnum_uscc.is_valid(code)
    assert validate_uscc(code) == code


def test_default_allowlist_accepts_a_real_code_with_a_wrong_check_digit() -> None:
    assert check_char(ALLOWLISTED[:17]) != ALLOWLISTED[17]
    assert validate_uscc(ALLOWLISTED.lower()) == ALLOWLISTED


def test_empty_allowlist_refuses_that_code(settings: Settings) -> None:
    settings.YIBAO_USCC_ALLOWLIST = []
    assert refusal(ALLOWLISTED).code == UsccErrorCode.CHECK_DIGIT


def test_allowlist_setting_is_normalised_and_waives_only_the_check_digit(
    settings: Settings,
) -> None:
    # given an allow-list entry typed in lower case
    settings.YIBAO_USCC_ALLOWLIST = ["91350200776049653b", "9135020077604965"]
    # then the listed code with a wrong check digit passes
    assert validate_uscc("91350200776049653B") == "91350200776049653B"
    # but a listed value with a wrong length is still refused
    assert refusal("9135020077604965").code == UsccErrorCode.LENGTH


def test_django_validator_accepts_a_valid_code() -> None:
    uscc_django_validator(EXAMPLES[0])


def test_django_validator_raises_validation_error_with_code_and_message() -> None:
    with pytest.raises(ValidationError) as caught:
        uscc_django_validator("91350200776049653B")
    assert caught.value.code == "validators.uscc_check_digit"
    assert caught.value.messages == ["统一社会信用代码校验位不正确"]


def test_django_validator_deconstructs_for_migrations() -> None:
    path, args, kwargs = uscc_django_validator.deconstruct()
    assert path == "yibao.core.validators.form_adapters.DjangoValidatorAdapter"
    assert args == (validate_uscc,)
    assert kwargs == {}


# --- properties -------------------------------------------------------------------------------

ALPHABET_CHAR = st.sampled_from(CHARSET)


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(AUTHORITY_CATEGORY_PAIRS))
    region = "".join(draw(st.lists(st.sampled_from(DIGITS), min_size=6, max_size=6)))
    subject = "".join(draw(st.lists(ALPHABET_CHAR, min_size=9, max_size=9)))
    body = prefix + region + subject
    return body + check_char(body)


def substitute(code: str, position: int, char: str) -> str:
    return code[:position] + char + code[position + 1 :]


@hypothesis_settings(max_examples=200, deadline=None)
@given(code=valid_codes())
def test_generated_codes_are_accepted(code: str) -> None:
    assert validate_uscc(code) == code
    assert validate_uscc(code.lower()) == code


@hypothesis_settings(max_examples=200, deadline=None)
@given(code=valid_codes(), position=st.integers(0, 17), data=st.data())
def test_any_single_substitution_is_refused(code: str, position: int, data: st.DataObject) -> None:
    # given a valid code and a different character of the set at one position
    char = data.draw(st.sampled_from(CHARSET.replace(code[position], "")))
    corrupted = substitute(code, position, char)
    # then the corrupted code is refused (for whatever reason)
    with override_settings(YIBAO_USCC_ALLOWLIST=[]), pytest.raises(ApplicationError):
        validate_uscc(corrupted)


@hypothesis_settings(max_examples=200, deadline=None)
@given(code=valid_codes(), position=st.integers(2, 17), data=st.data())
def test_format_preserving_substitution_is_caught_by_the_check_digit(
    code: str, position: int, data: st.DataObject
) -> None:
    # given a substitution that keeps the format: a digit in the region, any character elsewhere
    pool = DIGITS if position < 8 else CHARSET
    char = data.draw(st.sampled_from(pool.replace(code[position], "")))
    corrupted = substitute(code, position, char)
    # then only the check digit can tell, and it does
    with override_settings(YIBAO_USCC_ALLOWLIST=[]), pytest.raises(ApplicationError) as caught:
        validate_uscc(corrupted)
    assert caught.value.code == UsccErrorCode.CHECK_DIGIT


@hypothesis_settings(max_examples=200, deadline=None)
@given(code=valid_codes(), position=st.integers(0, 16))
def test_adjacent_transposition_is_refused(code: str, position: int) -> None:
    # given two different neighbouring characters swapped (MOD 31 with distinct weights catches it)
    first, second = code[position], code[position + 1]
    assume(first != second)
    swapped = code[:position] + second + first + code[position + 2 :]
    with override_settings(YIBAO_USCC_ALLOWLIST=[]), pytest.raises(ApplicationError):
        validate_uscc(swapped)
