"""Personal certificate numbers: 居民身份证, 港澳台居民居住证, 外国人永久居留身份证, others."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from stdnum.cn import ric

from yibao.core.divisions import current_divisions
from yibao.core.errors import ApplicationError
from yibao.core.validators.error_codes import IdentityErrorCode as Code
from yibao.core.validators.identity import (
    foreign_permanent_residence_django_validator,
    icao_check_digit,
    id_birth_date,
    id_division_code,
    id_gender,
    resident_id_django_validator,
    upgrade_legacy_id,
    validate_cert_number,
    validate_foreign_permanent_residence,
    validate_hmt_residence_permit,
    validate_other_cert,
    validate_resident_id,
)

# --- the standards, written out independently of the implementation -------------------------

# ISO 7064 MOD 11-2 as in GB 11643-1999: Wi = 2^(18-i) mod 11, check = "10X98765432"[sum mod 11].
MOD11_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
DIGITS = "0123456789"
ID_CHECK_CHARS = "0123456789X"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
TODAY = timezone.localdate()
EARLIEST = datetime.date(1900, 1, 1)
COUNTY_CODES = sorted(row.code for row in current_divisions() if row.level == 3)


def mod11_2(body: str) -> str:
    return "10X98765432"[
        sum(int(char) * weight for char, weight in zip(body, MOD11_WEIGHTS, strict=True)) % 11
    ]


def with_check(body: str) -> str:
    return body + mod11_2(body)


def icao(text: str) -> str:
    """ICAO 9303 Part 3 check digit; '<' counts 0."""
    values = [0 if c == "<" else int(c) if c.isdigit() else ord(c) - ord("A") + 10 for c in text]
    return str(sum(value * (7, 3, 1)[i % 3] for i, value in enumerate(values)) % 10)


def refusal(
    cert_type: str, value: str, *, allow_legacy: bool = False, field: str | None = None
) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        validate_cert_number(cert_type, value, allow_legacy=allow_legacy, field=field)
    return caught.value


def substitute(value: str, position: int, char: str) -> str:
    return value[:position] + char + value[position + 1 :]


def test_mod11_weights_are_powers_of_two_mod_11() -> None:
    assert tuple(pow(2, 17 - i, 11) for i in range(17)) == MOD11_WEIGHTS


def test_icao_helper_matches_the_icao_specimen() -> None:
    # ICAO 9303 specimen passport: document L898902C3 -> 6, birth 740812 -> 2, expiry 120415 -> 9
    assert (icao("L898902C3"), icao("740812"), icao("120415")) == ("6", "2", "9")
    assert (icao_check_digit("L898902C3"), icao_check_digit("740812")) == ("6", "2")


def test_county_sample_is_not_empty() -> None:
    assert len(COUNTY_CODES) > 2800


# --- 居民身份证 (01): fixed cases --------------------------------------------------------------


@pytest.mark.parametrize("number", ["11010519491231002X", "530112199003071230", "120110199001010013"])
def test_valid_resident_ids_are_accepted(number: str) -> None:
    assert validate_cert_number("01", number) == number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11010519491231002x", "11010519491231002X"),
        (" 11010519491231002X\t", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),
    ],
)
def test_resident_id_is_normalised(raw: str, expected: str) -> None:
    assert validate_resident_id(raw) == expected


def test_person_born_before_the_county_code_existed_is_accepted() -> None:
    # given 530112 (昆明市西山区), listed by stdnum from 1983, and a birth year of 1970
    number = "530112197003071231"
    assert number == with_check(number[:17])
    # then python-stdnum refuses the birthplace, but the code was never abolished: accepted
    assert not ric.is_valid(number)
    assert validate_resident_id(number) == number


def test_code_abolished_before_birth_is_refused() -> None:
    # 110103 崇文区 was abolished in 2010
    assert validate_resident_id("110103200001010013") == "110103200001010013"
    error = refusal("01", "110103201501010014")
    assert error.code == Code.ID_DIVISION
    assert error.message == "身份证号码中的地区码不正确"


@pytest.mark.parametrize("raw", ["", "   "])
def test_empty_cert_number_is_refused(raw: str) -> None:
    error = refusal("01", raw)
    assert (error.code, error.message) == (Code.REQUIRED, "请输入证件号码")


def test_legacy_15_digit_number_is_refused_by_default() -> None:
    error = refusal("01", "110105491231002")
    assert error.code == Code.ID_LEGACY
    assert error.message == "15位身份证号码已停止使用，请输入18位身份证号码"


def test_legacy_15_digit_number_is_accepted_when_allowed() -> None:
    assert validate_cert_number("01", " 110105491231002 ", allow_legacy=True) == "110105491231002"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105491331002", Code.ID_BIRTH_DATE),
        ("110105490229002", Code.ID_BIRTH_DATE),
        ("999999491231002", Code.ID_DIVISION),
        ("810000491231002", Code.ID_DIVISION),
    ],
)
def test_invalid_legacy_numbers_are_refused_even_when_allowed(number: str, code: Code) -> None:
    assert refusal("01", number, allow_legacy=True).code == code


def test_upgrade_legacy_id_gives_the_18_digit_form() -> None:
    assert upgrade_legacy_id("110105491231002") == "11010519491231002X"


def test_upgrade_legacy_id_rejects_other_input() -> None:
    with pytest.raises(ValueError, match="15-digit"):
        upgrade_legacy_id("11010519491231002X")


@pytest.mark.parametrize(
    "raw", ["1101051949123100", "11010519491231002", "11010519491231002XX", "11010549123100X"]
)
def test_wrong_length_is_refused(raw: str) -> None:
    error = refusal("01", raw)
    assert (error.code, error.message) == (Code.ID_LENGTH, "身份证号码应为18位")


@pytest.mark.parametrize(
    "raw", ["11010519491231X02X", "X1010519491231002X", "11010519491231002Y", "1101051949-231002X"]
)
def test_bad_format_is_refused(raw: str) -> None:
    error = refusal("01", raw)
    assert (error.code, error.message) == (Code.ID_FORMAT, "身份证号码格式不正确")


@pytest.mark.parametrize("birth", ["19491331", "19490230", "18991231", "19000229"])
def test_impossible_birth_dates_are_refused(birth: str) -> None:
    error = refusal("01", with_check("110105" + birth + "002"))
    assert (error.code, error.message) == (Code.ID_BIRTH_DATE, "身份证号码中的出生日期不正确")


def test_standard_example_born_1880_is_refused_by_the_1900_floor() -> None:
    # 440524188001010014 is GB 11643's second example; its check character is right
    assert mod11_2("44052418800101001") == "4"
    assert refusal("01", "440524188001010014").code == Code.ID_BIRTH_DATE


def test_birth_date_in_the_future_is_refused() -> None:
    tomorrow = TODAY + datetime.timedelta(days=1)
    number = with_check("110105" + tomorrow.strftime("%Y%m%d") + "002")
    assert refusal("01", number).code == Code.ID_BIRTH_DATE
    assert validate_resident_id(with_check("110105" + TODAY.strftime("%Y%m%d") + "002"))


def test_earliest_birth_date_is_accepted() -> None:
    number = with_check("11010519000101002")
    assert validate_resident_id(number) == number


@pytest.mark.parametrize("body", ["99999919900101001", "11100120000101000"])
def test_unknown_division_is_refused(body: str) -> None:
    # 111001: province 11 is known, county 1001 is not (python-stdnum's ric.is_valid raises
    # KeyError on it instead of returning False)
    error = refusal("01", with_check(body))
    assert (error.code, error.message) == (Code.ID_DIVISION, "身份证号码中的地区码不正确")


def test_residence_permit_entered_as_resident_id_gets_a_hint() -> None:
    error = refusal("01", "810000199408230021")
    assert error.code == Code.ID_DIVISION
    assert error.message == "身份证号码中的地区码不正确（港澳台居民居住证请选择对应的证件类型）"


def test_wrong_check_character_is_refused() -> None:
    error = refusal("01", "110105194912310021", field="certno")
    assert (error.code, error.message, error.field) == (
        Code.ID_CHECK_DIGIT,
        "身份证号码校验位不正确",
        "certno",
    )


# --- helpers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "birth", "gender", "division"),
    [
        ("11010519491231002X", datetime.date(1949, 12, 31), "2", "110105"),
        ("530112199003071230", datetime.date(1990, 3, 7), "1", "530112"),
        ("11010519491231002x", datetime.date(1949, 12, 31), "2", "110105"),
        ("110105491231002", datetime.date(1949, 12, 31), "2", "110105"),
        ("810000199408230021", datetime.date(1994, 8, 23), "2", "810000"),
        ("911840198001010013", datetime.date(1980, 1, 1), "1", "911840"),
    ],
)
def test_facts_derived_from_an_id_number(
    number: str, birth: datetime.date, gender: str, division: str
) -> None:
    assert id_birth_date(number) == birth
    assert id_gender(number) == gender
    assert id_division_code(number) == division


@pytest.mark.parametrize("raw", ["", "1101051949123100", "11010519491331002X", "ABC"])
def test_helpers_reject_malformed_numbers(raw: str) -> None:
    with pytest.raises(ValueError, match="ID number"):
        id_birth_date(raw)


# --- 港澳台居民居住证 (17) ------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["810000199408230021", "830000199201300022", "820000200002290013"])
def test_valid_residence_permits_are_accepted(number: str) -> None:
    assert number == with_check(number[:17])
    assert validate_cert_number("17", number) == number


def test_residence_permits_fail_stdnum_ric() -> None:
    # stdnum knows 810000 only from 1997 and has no 830000: the permits are checked without it
    assert not ric.is_valid("810000199408230021")
    assert not ric.is_valid("830000199201300022")


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("", Code.REQUIRED, "请输入证件号码"),
        ("81000019940823002", Code.HMT_LENGTH, "港澳台居民居住证号码应为18位"),
        ("8100001994082300A1", Code.HMT_FORMAT, "港澳台居民居住证号码格式不正确"),
        ("110105194912310021", Code.HMT_PREFIX, "港澳台居民居住证号码应以810000、820000或830000开头"),
        ("840000199408230021", Code.HMT_PREFIX, "港澳台居民居住证号码应以810000、820000或830000开头"),
        ("810000199402300021", Code.HMT_BIRTH_DATE, "港澳台居民居住证号码中的出生日期不正确"),
        ("810000199408230022", Code.HMT_CHECK_DIGIT, "港澳台居民居住证号码校验位不正确"),
    ],
)
def test_invalid_residence_permits_are_refused(raw: str, code: Code, message: str) -> None:
    error = refusal("17", raw)
    assert (error.code, error.message) == (code, message)


def test_residence_permit_lower_case_x_is_normalised() -> None:
    number = next(
        with_check(f"81000019900101{seq:03d}")
        for seq in range(1000)
        if mod11_2(f"81000019900101{seq:03d}") == "X"
    )
    assert validate_hmt_residence_permit(number.lower()) == number


# --- 外国人永久居留身份证 (07) -------------------------------------------------------------------


@pytest.mark.parametrize("number", ["USA310080010115", "CAN110092021320", "GBR440000010102"])
def test_valid_2017_foreign_cards_are_accepted(number: str) -> None:
    assert number[14] == icao(number[:14])
    assert validate_cert_number("07", number) == number


def test_2017_foreign_card_is_upper_cased() -> None:
    assert validate_foreign_permanent_residence(" usa310080010115 ") == "USA310080010115"


@pytest.mark.parametrize("number", ["911840198001010013", "911840198001010021"])
def test_valid_2023_foreign_cards_are_accepted(number: str) -> None:
    assert number == with_check(number[:17])
    assert validate_cert_number("07", number) == number


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("", Code.REQUIRED, "请输入证件号码"),
        ("US310080010115", Code.FOREIGN_FORMAT, "外国人永久居留身份证号码格式不正确"),
        ("USA3100800101151", Code.FOREIGN_FORMAT, "外国人永久居留身份证号码格式不正确"),
        ("U5A310080010115", Code.FOREIGN_FORMAT, "外国人永久居留身份证号码格式不正确"),
        ("811840198001010013", Code.FOREIGN_FORMAT, "外国人永久居留身份证号码格式不正确"),
        ("91184019800101001", Code.FOREIGN_FORMAT, "外国人永久居留身份证号码格式不正确"),
        ("USA310080133115", Code.FOREIGN_BIRTH_DATE, "外国人永久居留身份证号码中的出生日期不正确"),
        ("911840198002300013", Code.FOREIGN_BIRTH_DATE, "外国人永久居留身份证号码中的出生日期不正确"),
        ("USA310080010116", Code.FOREIGN_CHECK_DIGIT, "外国人永久居留身份证号码校验位不正确"),
        ("911840198001010014", Code.FOREIGN_CHECK_DIGIT, "外国人永久居留身份证号码校验位不正确"),
    ],
)
def test_invalid_foreign_cards_are_refused(raw: str, code: Code, message: str) -> None:
    error = refusal("07", raw)
    assert (error.code, error.message) == (code, message)


def test_2017_card_date_29_february_needs_a_leap_year() -> None:
    # 000229 exists in 2000; 010229 exists neither in 1901 nor in 2001
    good = "USA3100000229" + "1"
    assert validate_foreign_permanent_residence(good + icao(good)) == good + icao(good)
    bad = "USA3100010229" + "1"
    assert refusal("07", bad + icao(bad)).code == Code.FOREIGN_BIRTH_DATE


# --- other certificate types and the dispatcher --------------------------------------------------


@pytest.mark.parametrize(("cert_type", "raw"), [("08", " E12345678 "), ("04", "H12345678"), ("99", "A" * 30)])
def test_other_types_get_the_basic_check(cert_type: str, raw: str) -> None:
    assert validate_cert_number(cert_type, raw) == raw.strip()


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("  ", Code.REQUIRED, "请输入证件号码"),
        ("A" * 31, Code.CERT_TOO_LONG, "证件号码不能超过30位"),
        ("E123 45678", Code.CERT_WHITESPACE, "证件号码不能包含空格"),
        ("E123\u300045678", Code.CERT_WHITESPACE, "证件号码不能包含空格"),
    ],
)
def test_other_types_basic_check_refusals(raw: str, code: Code, message: str) -> None:
    with pytest.raises(ApplicationError) as caught:
        validate_other_cert(raw, field="agnter_certno")
    assert (caught.value.code, caught.value.message, caught.value.field) == (code, message, "agnter_certno")


def test_dispatcher_routes_by_cert_type() -> None:
    # the same string is a valid passport number but not a valid resident ID
    assert validate_cert_number("08", "11010519491231002Y") == "11010519491231002Y"
    assert refusal("01", "11010519491231002Y").code == Code.ID_FORMAT
    assert refusal("17", "11010519491231002X").code == Code.HMT_PREFIX
    assert refusal("07", "11010519491231002X").code == Code.FOREIGN_FORMAT


def test_django_validators_raise_validation_error() -> None:
    resident_id_django_validator("11010519491231002X")
    with pytest.raises(ValidationError) as caught:
        resident_id_django_validator("110105491231002")
    assert caught.value.code == "validators.id_legacy"
    assert caught.value.messages == ["15位身份证号码已停止使用，请输入18位身份证号码"]
    with pytest.raises(ValidationError) as caught:
        foreign_permanent_residence_django_validator("USA310080010116")
    assert caught.value.code == "validators.foreign_check_digit"


# --- properties: 居民身份证 ------------------------------------------------------------------------

SETTINGS = hypothesis_settings(max_examples=200, deadline=None)
BIRTH_DATES = st.dates(min_value=EARLIEST, max_value=TODAY)


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    county = draw(st.sampled_from(COUNTY_CODES))
    birth = draw(BIRTH_DATES)
    sequence = draw(st.integers(0, 999))
    return with_check(f"{county}{birth:%Y%m%d}{sequence:03d}")


@SETTINGS
@given(number=resident_ids())
def test_generated_resident_ids_are_accepted_and_read_back(number: str) -> None:
    assert validate_resident_id(number.lower()) == number
    assert id_birth_date(number) == datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert id_gender(number) == ("1" if int(number[16]) % 2 else "2")
    assert id_division_code(number) == number[:6]


@SETTINGS
@given(number=resident_ids(), position=st.integers(0, 17), data=st.data())
def test_any_single_substitution_in_a_resident_id_is_refused(
    number: str, position: int, data: st.DataObject
) -> None:
    pool = ID_CHECK_CHARS if position == 17 else DIGITS
    char = data.draw(st.sampled_from(pool.replace(number[position], "")))
    with pytest.raises(ApplicationError):
        validate_resident_id(substitute(number, position, char))


@SETTINGS
@given(number=resident_ids(), position=st.sampled_from([14, 15, 16, 17]), data=st.data())
def test_sequence_or_check_substitution_is_caught_by_the_check_digit(
    number: str, position: int, data: st.DataObject
) -> None:
    # the sequence and check positions carry no other rule: only MOD 11-2 can catch the typo
    pool = ID_CHECK_CHARS if position == 17 else DIGITS
    char = data.draw(st.sampled_from(pool.replace(number[position], "")))
    with pytest.raises(ApplicationError) as caught:
        validate_resident_id(substitute(number, position, char))
    assert caught.value.code == Code.ID_CHECK_DIGIT


@SETTINGS
@given(number=resident_ids(), position=st.integers(0, 16))
def test_adjacent_transposition_in_a_resident_id_is_refused(number: str, position: int) -> None:
    first, second = number[position], number[position + 1]
    assume(first != second)
    with pytest.raises(ApplicationError):
        validate_resident_id(number[:position] + second + first + number[position + 2 :])


@SETTINGS
@given(
    birth=st.dates(min_value=EARLIEST, max_value=datetime.date(1999, 12, 31)), sequence=st.integers(0, 999)
)
def test_generated_legacy_ids_upgrade_to_valid_18_digit_ids(birth: datetime.date, sequence: int) -> None:
    legacy = f"110105{birth:%y%m%d}{sequence:03d}"
    assert validate_resident_id(legacy, allow_legacy=True) == legacy
    assert upgrade_legacy_id(legacy) == with_check(f"110105{birth:%Y%m%d}{sequence:03d}")
    assert id_birth_date(legacy) == birth


# --- properties: 港澳台居民居住证 and 2023 外国人永久居留身份证 -------------------------------------


@st.composite
def residence_permits(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["810000", "820000", "830000"]))
    birth = draw(BIRTH_DATES)
    return with_check(f"{prefix}{birth:%Y%m%d}{draw(st.integers(0, 999)):03d}")


@st.composite
def foreign_2023_cards(draw: st.DrawFn) -> str:
    province = draw(st.integers(11, 65))
    country = draw(st.integers(4, 894))
    birth = draw(BIRTH_DATES)
    return with_check(f"9{province:02d}{country:03d}{birth:%Y%m%d}{draw(st.integers(0, 999)):03d}")


@SETTINGS
@given(number=residence_permits(), position=st.integers(0, 17), data=st.data())
def test_generated_residence_permits_pass_and_substitutions_fail(
    number: str, position: int, data: st.DataObject
) -> None:
    assert validate_hmt_residence_permit(number) == number
    pool = ID_CHECK_CHARS if position == 17 else DIGITS
    char = data.draw(st.sampled_from(pool.replace(number[position], "")))
    with pytest.raises(ApplicationError):
        validate_hmt_residence_permit(substitute(number, position, char))


@SETTINGS
@given(number=foreign_2023_cards(), position=st.integers(0, 17), data=st.data())
def test_generated_2023_foreign_cards_pass_and_substitutions_fail(
    number: str, position: int, data: st.DataObject
) -> None:
    assert validate_foreign_permanent_residence(number) == number
    assert id_gender(number) == ("1" if int(number[16]) % 2 else "2")
    pool = ID_CHECK_CHARS if position == 17 else DIGITS
    char = data.draw(st.sampled_from(pool.replace(number[position], "")))
    with pytest.raises(ApplicationError):
        validate_foreign_permanent_residence(substitute(number, position, char))


# --- properties: 2017 外国人永久居留身份证 (ICAO 7-3-1, mod 10) -------------------------------------


@st.composite
def foreign_2017_cards(draw: st.DrawFn) -> str:
    nationality = "".join(draw(st.lists(st.sampled_from(LETTERS), min_size=3, max_size=3)))
    issuer = draw(st.integers(0, 9999))
    birth = draw(BIRTH_DATES)
    body = f"{nationality}{issuer:04d}{birth:%y%m%d}{draw(st.integers(0, 9))}"
    return body + icao(body)


@SETTINGS
@given(number=foreign_2017_cards())
def test_generated_2017_foreign_cards_are_accepted(number: str) -> None:
    assert validate_foreign_permanent_residence(number.lower()) == number


@SETTINGS
@given(number=foreign_2017_cards(), position=st.sampled_from([3, 4, 5, 6, 13, 14]), data=st.data())
def test_digit_substitution_in_a_2017_card_is_caught_by_the_check_digit(
    number: str, position: int, data: st.DataObject
) -> None:
    # issuing code, sex digit and check digit carry no other rule; weights 7, 3, 1 are prime to 10
    char = data.draw(st.sampled_from(DIGITS.replace(number[position], "")))
    with pytest.raises(ApplicationError) as caught:
        validate_foreign_permanent_residence(substitute(number, position, char))
    assert caught.value.code == Code.FOREIGN_CHECK_DIGIT


@SETTINGS
@given(number=foreign_2017_cards(), position=st.integers(0, 2), data=st.data())
def test_letter_substitution_in_a_2017_card_is_caught_unless_values_agree_mod_10(
    number: str, position: int, data: st.DataObject
) -> None:
    # A=10 ... Z=35: letters ten apart (A/K/U, B/L/V, ...) have the same value mod 10 and the
    # ICAO check cannot see the difference; every other letter substitution is caught.
    char = data.draw(st.sampled_from(LETTERS.replace(number[position], "")))
    corrupted = substitute(number, position, char)
    if (ord(char) - ord(number[position])) % 10 == 0:
        assert validate_foreign_permanent_residence(corrupted) == corrupted
    else:
        with pytest.raises(ApplicationError) as caught:
            validate_foreign_permanent_residence(corrupted)
        assert caught.value.code == Code.FOREIGN_CHECK_DIGIT
