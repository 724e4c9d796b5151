"""Personal certificate numbers (人员证件号码).

* 居民身份证 (证件类型 01, GB 11643-1999): 6-digit address code + YYYYMMDD + 3-digit sequence
  (odd = male) + ISO 7064 MOD 11-2 check character (0-9 or X).
* 港澳台居民居住证 (17): same layout and check; the address code is 810000, 820000 or 830000.
* 外国人永久居留身份证 (07): the 2017 card has 15 characters, the 2023 card 18 (see below).

Any other certificate type only gets a basic check (non-empty, at most 30 characters, no
whitespace inside).

The check digit and birthplace of the resident ID use python-stdnum (`stdnum.cn.ric`). Its
birthplace check requires the address code to have been in use in the birth year; that refuses
real numbers of people born before their county's code was created (numbers are assigned at
household registration, often years after birth). When stdnum refuses the place, the code is
still accepted if it is known and was not abolished before the birth year.
"""

from __future__ import annotations

import datetime
import re
import time
from functools import lru_cache

from django.utils import timezone
from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

from yibao.core.errors import ApplicationError
from yibao.core.validators._text import normalise_code
from yibao.core.validators.error_codes import IdentityErrorCode
from yibao.core.validators.form_adapters import as_django_validator


class CertType:
    """National 人员证件类型 codes that get a specific check."""

    RESIDENT_ID = "01"
    FOREIGN_PERMANENT_RESIDENCE = "07"
    HMT_RESIDENCE_PERMIT = "17"


HMT_PREFIXES = ("810000", "820000", "830000")
OTHER_CERT_MAX_LENGTH = 30
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

MESSAGES: dict[IdentityErrorCode, str] = {
    IdentityErrorCode.REQUIRED: "请输入证件号码",
    IdentityErrorCode.ID_LEGACY: "15位身份证号码已停止使用，请输入18位身份证号码",
    IdentityErrorCode.ID_LENGTH: "身份证号码应为18位",
    IdentityErrorCode.ID_FORMAT: "身份证号码格式不正确",
    IdentityErrorCode.ID_BIRTH_DATE: "身份证号码中的出生日期不正确",
    IdentityErrorCode.ID_DIVISION: "身份证号码中的地区码不正确",
    IdentityErrorCode.ID_CHECK_DIGIT: "身份证号码校验位不正确",
    IdentityErrorCode.HMT_LENGTH: "港澳台居民居住证号码应为18位",
    IdentityErrorCode.HMT_FORMAT: "港澳台居民居住证号码格式不正确",
    IdentityErrorCode.HMT_PREFIX: "港澳台居民居住证号码应以810000、820000或830000开头",
    IdentityErrorCode.HMT_BIRTH_DATE: "港澳台居民居住证号码中的出生日期不正确",
    IdentityErrorCode.HMT_CHECK_DIGIT: "港澳台居民居住证号码校验位不正确",
    IdentityErrorCode.FOREIGN_FORMAT: "外国人永久居留身份证号码格式不正确",
    IdentityErrorCode.FOREIGN_BIRTH_DATE: "外国人永久居留身份证号码中的出生日期不正确",
    IdentityErrorCode.FOREIGN_CHECK_DIGIT: "外国人永久居留身份证号码校验位不正确",
    IdentityErrorCode.CERT_TOO_LONG: "证件号码不能超过30位",
    IdentityErrorCode.CERT_WHITESPACE: "证件号码不能包含空格",
}
# A resident ID with a Hong Kong/Macau/Taiwan prefix is a residence permit entered under the
# wrong certificate type.
HMT_AS_RESIDENT_ID_MESSAGE = "身份证号码中的地区码不正确（港澳台居民居住证请选择对应的证件类型）"

_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_ID15 = re.compile(r"[0-9]{15}")
_FOREIGN_2017 = re.compile(r"[A-Z]{3}[0-9]{12}")
_FOREIGN_2023 = re.compile(r"9[0-9]{16}[0-9X]")
_PERIOD = re.compile(r"^\[(?P<start>\d{4})?-(?P<end>\d{4})?\]")


def _fail(code: IdentityErrorCode, field: str | None, message: str | None = None) -> ApplicationError:
    return ApplicationError(code, message or MESSAGES[code], field=field)


_TODAY_CACHE: list[tuple[float, datetime.date]] = []


def _today() -> datetime.date:
    """Today in Asia/Shanghai, read at most once a second (a batch checks 50,000 numbers and
    the time-zone conversion was a quarter of the work)."""
    now = time.monotonic()
    if not _TODAY_CACHE or now - _TODAY_CACHE[0][0] > 1.0:
        _TODAY_CACHE[:] = [(now, timezone.localdate())]
    return _TODAY_CACHE[0][1]


def _parse_date(year: int, month: int, day: int) -> datetime.date | None:
    """The date if it exists and lies between 1900-01-01 and today, else None."""
    try:
        found = datetime.date(year, month, day)
    except ValueError:
        return None
    if found < EARLIEST_BIRTH_DATE or found > _today():
        return None
    return found


def _birth_date_18(number: str) -> datetime.date | None:
    return _parse_date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def mod11_2_check_char(body: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a 17-digit body (via python-stdnum)."""
    return ric.calc_check_digit(body + "0")


def _division_known(number18: str, birth_year: int) -> bool:
    """Whether the address code of an 18-digit number is a plausible GB/T 2260 county code."""
    return _place_known(number18[:6], birth_year)


@lru_cache(maxsize=65_536)
def _place_known(place: str, birth_year: int) -> bool:
    """The answer depends on the 6-digit place code and the birth year only, so it is cached:
    a batch of 50,000 numbers asks the division database a few hundred times, not 50,000."""
    number18 = f"{place}{birth_year:04d}01010000"
    info: dict[str, str] = {}
    for _part, props in numdb.get("cn/loc").info(place):
        info.update(props)
    county = info.get("county")
    # Looked up first: stdnum's get_birth_place raises KeyError (not InvalidComponent) when the
    # province is known but the county is not.
    if not county:
        return False
    try:
        ric.get_birth_place(number18)
    except InvalidComponent:
        pass
    else:
        return True
    # stdnum wants the code in use in the birth year; accept any known code that had not been
    # abolished before the person was born.
    for entry in county.split(","):
        match = _PERIOD.match(entry.strip())
        if match is None or match.group("end") is None or int(match.group("end")) >= birth_year:
            return True
    return False


def upgrade_legacy_id(value: str) -> str:
    """The 18-digit form of a 15-digit resident ID (century 19 inserted, check char added)."""
    number = normalise_code(value)
    if not _ID15.fullmatch(number):
        raise ValueError("not a 15-digit resident ID number")
    body = number[:6] + "19" + number[6:]
    return body + mod11_2_check_char(body)


def _validate_legacy_id(number: str, field: str | None) -> str:
    birth = _parse_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    if birth is None:
        raise _fail(IdentityErrorCode.ID_BIRTH_DATE, field)
    if number.startswith(("81", "82", "83")):
        raise _fail(IdentityErrorCode.ID_DIVISION, field, HMT_AS_RESIDENT_ID_MESSAGE)
    if not _division_known(upgrade_legacy_id(number), birth.year):
        raise _fail(IdentityErrorCode.ID_DIVISION, field)
    return number


def validate_resident_id(value: str, *, field: str | None = None, allow_legacy: bool = False) -> str:
    """Check a 居民身份证 number and return it normalised (ASCII, stripped, x -> X).

    Order: empty, length (15-digit numbers refused unless allow_legacy), format, birth date
    (a real date between 1900-01-01 and today), address code, check character. With
    allow_legacy a 15-digit number (address + YYMMDD in the 1900s + sequence) is accepted
    and returned unchanged.
    """
    number = normalise_code(value or "")
    if not number:
        raise _fail(IdentityErrorCode.REQUIRED, field)
    if len(number) == 15 and _ID15.fullmatch(number):
        if not allow_legacy:
            raise _fail(IdentityErrorCode.ID_LEGACY, field)
        return _validate_legacy_id(number, field)
    if len(number) != 18:
        raise _fail(IdentityErrorCode.ID_LENGTH, field)
    if not _ID18.fullmatch(number):
        raise _fail(IdentityErrorCode.ID_FORMAT, field)
    birth = _birth_date_18(number)
    if birth is None:
        raise _fail(IdentityErrorCode.ID_BIRTH_DATE, field)
    if number.startswith(("81", "82", "83")):
        raise _fail(IdentityErrorCode.ID_DIVISION, field, HMT_AS_RESIDENT_ID_MESSAGE)
    if not _division_known(number, birth.year):
        raise _fail(IdentityErrorCode.ID_DIVISION, field)
    if mod11_2_check_char(number[:17]) != number[17]:
        raise _fail(IdentityErrorCode.ID_CHECK_DIGIT, field)
    return number


def validate_hmt_residence_permit(value: str, *, field: str | None = None) -> str:
    """Check a 港澳台居民居住证 number (810000/820000/830000 + YYYYMMDD + seq + MOD 11-2)."""
    number = normalise_code(value or "")
    if not number:
        raise _fail(IdentityErrorCode.REQUIRED, field)
    if len(number) != 18:
        raise _fail(IdentityErrorCode.HMT_LENGTH, field)
    if not _ID18.fullmatch(number):
        raise _fail(IdentityErrorCode.HMT_FORMAT, field)
    if not number.startswith(HMT_PREFIXES):
        raise _fail(IdentityErrorCode.HMT_PREFIX, field)
    if _birth_date_18(number) is None:
        raise _fail(IdentityErrorCode.HMT_BIRTH_DATE, field)
    if mod11_2_check_char(number[:17]) != number[17]:
        raise _fail(IdentityErrorCode.HMT_CHECK_DIGIT, field)
    return number


def icao_check_digit(text: str) -> str:
    """ICAO 9303 check digit: digits as is, A=10 ... Z=35, weights 7, 3, 1 repeating, mod 10."""
    total = 0
    for index, char in enumerate(text):
        value = int(char) if char.isdigit() else ord(char) - ord("A") + 10
        total += value * (7, 3, 1)[index % 3]
    return str(total % 10)


def _foreign_2017_birth_date(number: str) -> datetime.date | None:
    """YYMMDD at positions 8-13; the century is not encoded, so 19YY or 20YY may match."""
    yy, month, day = int(number[7:9]), int(number[9:11]), int(number[11:13])
    return _parse_date(2000 + yy, month, day) or _parse_date(1900 + yy, month, day)


def validate_foreign_permanent_residence(value: str, *, field: str | None = None) -> str:
    """Check a 外国人永久居留身份证 number and return it normalised (upper case).

    * 2017 card, 15 characters: ISO 3166 alpha-3 nationality + 4-digit issuing code + YYMMDD +
      1 digit + ICAO 9303 check digit over the first 14 characters.
    * 2023 card, 18 characters: "9" + 2-digit province + 3-digit ISO 3166 numeric nationality +
      YYYYMMDD + 3-digit sequence (the 17th character's parity is the sex) + MOD 11-2 check.
    """
    number = normalise_code(value or "")
    if not number:
        raise _fail(IdentityErrorCode.REQUIRED, field)
    if _FOREIGN_2017.fullmatch(number):
        if _foreign_2017_birth_date(number) is None:
            raise _fail(IdentityErrorCode.FOREIGN_BIRTH_DATE, field)
        if icao_check_digit(number[:14]) != number[14]:
            raise _fail(IdentityErrorCode.FOREIGN_CHECK_DIGIT, field)
        return number
    if _FOREIGN_2023.fullmatch(number):
        if _birth_date_18(number) is None:
            raise _fail(IdentityErrorCode.FOREIGN_BIRTH_DATE, field)
        if mod11_2_check_char(number[:17]) != number[17]:
            raise _fail(IdentityErrorCode.FOREIGN_CHECK_DIGIT, field)
        return number
    raise _fail(IdentityErrorCode.FOREIGN_FORMAT, field)


def validate_other_cert(value: str, *, field: str | None = None) -> str:
    """Basic check for certificate types without a known structure; returns the stripped value."""
    number = (value or "").strip()
    if not number:
        raise _fail(IdentityErrorCode.REQUIRED, field)
    if len(number) > OTHER_CERT_MAX_LENGTH:
        raise _fail(IdentityErrorCode.CERT_TOO_LONG, field)
    if any(char.isspace() for char in number):
        raise _fail(IdentityErrorCode.CERT_WHITESPACE, field)
    return number


def validate_cert_number(
    cert_type: str, value: str, *, field: str | None = None, allow_legacy: bool = False
) -> str:
    """Check a certificate number by its 证件类型 code and return it normalised.

    "01" 居民身份证, "17" 港澳台居民居住证, "07" 外国人永久居留证; every other type gets
    the basic check of validate_other_cert.
    """
    if cert_type == CertType.RESIDENT_ID:
        return validate_resident_id(value, field=field, allow_legacy=allow_legacy)
    if cert_type == CertType.HMT_RESIDENCE_PERMIT:
        return validate_hmt_residence_permit(value, field=field)
    if cert_type == CertType.FOREIGN_PERMANENT_RESIDENCE:
        return validate_foreign_permanent_residence(value, field=field)
    return validate_other_cert(value, field=field)


def _structural_birth_date(value: str) -> tuple[str, datetime.date]:
    """The number (15 or 18 digits, ID layout) and its birth date; ValueError if malformed."""
    number = normalise_code(value)
    if _ID18.fullmatch(number):
        birth = _birth_date_18(number)
    elif _ID15.fullmatch(number):
        birth = _parse_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    else:
        raise ValueError("not an ID number of 15 or 18 characters")
    if birth is None:
        raise ValueError("the ID number has no valid birth date")
    return number, birth


def id_birth_date(value: str) -> datetime.date:
    """Birth date of a validated ID number (18-digit layout, also residence permits and the
    2023 foreigner card; 15-digit legacy numbers are read as 19YYMMDD).

    Raises ValueError when the value does not have that layout; validate first.
    """
    return _structural_birth_date(value)[1]


def id_gender(value: str) -> str:
    """GB/T 2261.1 sex code of a validated ID number: "1" 男 (odd sequence), "2" 女 (even).

    The sequence digit is the 17th character (15th for a 15-digit number).
    """
    number, _birth = _structural_birth_date(value)
    return "1" if int(number[16 if len(number) == 18 else 14]) % 2 else "2"


def id_division_code(value: str) -> str:
    """The six-digit address code (first six characters) of a validated ID number."""
    number, _birth = _structural_birth_date(value)
    return number[:6]


resident_id_django_validator = as_django_validator(validate_resident_id)
hmt_residence_permit_django_validator = as_django_validator(validate_hmt_residence_permit)
foreign_permanent_residence_django_validator = as_django_validator(validate_foreign_permanent_residence)
other_cert_django_validator = as_django_validator(validate_other_cert)
