"""Personal names (姓名): what a certificate may hold, and nothing a spreadsheet would run."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yibao.core.errors import ApplicationError
from yibao.core.validators.error_codes import NameErrorCode
from yibao.core.validators.names import validate_person_name


@pytest.mark.parametrize(
    ("value", "cert_type", "expected"),
    [
        ("王芳", "01", "王芳"),
        ("王 芳", "01", "王芳"),  # padded to the width of three characters
        ("阿依古丽•买买提", "01", "阿依古丽·买买提"),
        ("欧阳・娜娜", "01", "欧阳·娜娜"),
        ("Ｊｏｈｎ  Smith", "08", "John Smith"),
        ("Zoë D'Arcy-Lévesque", "08", "Zoë D'Arcy-Lévesque"),
        ("陈大文", "04", "陈大文"),
    ],
)
def test_names_pass_normalised(value: str, cert_type: str, expected: str) -> None:
    assert validate_person_name(value, cert_type=cert_type) == expected


@pytest.mark.parametrize(
    ("value", "cert_type", "code"),
    [
        ("", "01", NameErrorCode.REQUIRED),
        ("Tom123", "08", NameErrorCode.DIGITS),
        ("王芳2", "01", NameErrorCode.DIGITS),
        ('=HYPERLINK("http://x","y")', "01", NameErrorCode.CHARACTERS),
        ("@SUM(A)", "08", NameErrorCode.CHARACTERS),
        ("-王芳", "01", NameErrorCode.CHARACTERS),
        ("王··芳", "01", NameErrorCode.CHARACTERS),
        ("王芳·", "01", NameErrorCode.CHARACTERS),
        ("<b>王芳</b>", "01", NameErrorCode.CHARACTERS),
        ("Tom", "01", NameErrorCode.NOT_CHINESE),
        ("王" * 51, "01", NameErrorCode.LENGTH),
    ],
)
def test_names_are_refused_with_their_reason(value: str, cert_type: str, code: NameErrorCode) -> None:
    with pytest.raises(ApplicationError) as caught:
        validate_person_name(value, cert_type=cert_type, field="name")
    assert caught.value.code == code and caught.value.field == "name"


@given(st.text(min_size=1, max_size=40))
def test_an_accepted_name_never_starts_like_a_formula(value: str) -> None:
    try:
        name = validate_person_name(value, cert_type="08")
    except ApplicationError:
        return
    assert name[0] not in "=+-@'\t\r" and name == name.strip()
