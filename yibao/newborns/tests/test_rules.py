"""The rules of a 婴幼儿备案, one by one (without the database where they need none)."""

from __future__ import annotations

import datetime

import pytest
from django import forms

from yibao.demo.numbers import make_id_number
from yibao.newborns.forms import birth_cert_no_clean
from yibao.newborns.rules import FILING_WINDOW_DAYS, birth_date_problems, identity_problems
from yibao.newborns.tests.helpers import FATHER_ID, MOTHER_ID

TODAY = datetime.date(2026, 12, 4)


def messages(problems) -> list[str]:
    return [p.message for p in problems]


def test_a_birth_date_today_or_within_the_window_passes() -> None:
    assert birth_date_problems(TODAY, TODAY) == []
    assert birth_date_problems(TODAY - datetime.timedelta(days=FILING_WINDOW_DAYS), TODAY) == []


def test_a_birth_date_in_the_future_is_refused() -> None:
    (problem,) = birth_date_problems(TODAY + datetime.timedelta(days=1), TODAY)
    assert (problem.field, problem.message) == ("birth_date", "出生日期不能晚于今天")


def test_a_baby_older_than_the_window_is_sent_to_the_street_office() -> None:
    (problem,) = birth_date_problems(TODAY - datetime.timedelta(days=FILING_WINDOW_DAYS + 1), TODAY)
    assert problem.message.startswith("婴幼儿出生已超过90天，不能由医疗机构办理备案")
    assert "街道（乡镇）社保服务机构" in problem.message


def payload(**changes: str) -> dict[str, str]:
    born = TODAY - datetime.timedelta(days=2)
    return {
        "birth_date": born.isoformat(), "gender": "1", "cert_no": make_id_number("110105", born, 3),
        "guardian_relation": "father", "guardian_cert_type": "01", "guardian_cert_no": FATHER_ID, **changes,
    }  # fmt: skip


def test_matching_identities_pass() -> None:
    assert identity_problems(payload()) == []
    assert identity_problems(payload(cert_no="")) == []  # no 身份证号 yet


def test_the_childs_id_must_carry_the_birth_date_and_sex() -> None:
    other_day = make_id_number("110105", TODAY - datetime.timedelta(days=9), 3)
    assert messages(identity_problems(payload(cert_no=other_day))) == [
        "身份证号中的出生日期与填写的出生日期不一致，请核对"
    ]
    assert messages(identity_problems(payload(gender="2"))) == ["身份证号中的性别与填写的性别不一致，请核对"]


def test_the_guardian_is_not_the_child() -> None:
    child = payload()["cert_no"]
    assert messages(identity_problems(payload(guardian_cert_no=child))) == [
        "监护人证件号码不能与婴幼儿身份证号相同"
    ]


def test_a_father_or_mother_has_the_matching_sex_digit() -> None:
    assert messages(identity_problems(payload(guardian_cert_no=MOTHER_ID))) == [
        "监护人证件号码中的性别与“父亲”不符，请核对与婴幼儿关系或证件号码"
    ]
    assert identity_problems(payload(guardian_relation="mother", guardian_cert_no=MOTHER_ID)) == []
    assert identity_problems(payload(guardian_relation="guardian", guardian_cert_no=MOTHER_ID)) == []
    # another kind of document: no sex digit to compare
    assert identity_problems(payload(guardian_cert_type="08", guardian_cert_no="E12345678")) == []


def test_a_guardian_born_after_the_child_is_refused() -> None:
    younger = make_id_number("110105", TODAY, 5)
    assert "监护人的出生日期应早于婴幼儿，请核对监护人证件号码" in messages(
        identity_problems(payload(guardian_cert_no=younger))
    )


@pytest.mark.parametrize(
    ("typed", "kept"), [("q110123456", "Q110123456"), ("Ｏ１１００１２３４５", "O110012345")]
)
def test_a_birth_certificate_number_is_one_letter_and_nine_digits(typed: str, kept: str) -> None:
    assert birth_cert_no_clean(typed) == kept


@pytest.mark.parametrize("typed", ["110123456", "QQ10123456", "Q11012345", "Q1101234567", ""])
def test_other_birth_certificate_numbers_are_refused(typed: str) -> None:
    with pytest.raises(forms.ValidationError, match="出生医学证明编号应为1位英文字母加9位数字"):
        birth_cert_no_clean(typed)
