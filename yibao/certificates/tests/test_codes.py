"""The 证明编号 and 验证码 rules, without the database."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

import pytest
from django.utils.crypto import constant_time_compare
from hypothesis import given
from hypothesis import strategies as st

from yibao.certificates import codes
from yibao.certificates.codes import (
    ALPHABET,
    CODE_LENGTH,
    certificate_number_new,
    code_matches,
    code_normalise,
    verification_code,
)

ISSUED = datetime.datetime(2026, 3, 5, 9, 30, 0, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Issued:
    number: str = "2026030512345678"
    kind: str = "person"
    unit_id: int = 7
    person_id: int | None = 42
    holder_name: str = "王芳"
    issued_at: datetime.datetime = ISSUED
    filing_id: int | None = None


def test_the_alphabet_leaves_out_the_look_alikes() -> None:
    assert set("0O1IL") & set(ALPHABET) == set()
    assert len(set(ALPHABET)) == len(ALPHABET) == 31


def test_the_code_has_the_length_and_alphabet() -> None:
    code = verification_code(Issued())
    assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET)


def test_the_code_is_stable_for_the_same_issue() -> None:
    assert verification_code(Issued()) == verification_code(Issued())


@pytest.mark.parametrize(
    "change",
    [
        {"number": "2026030512345679"},
        {"kind": "unit"},
        {"unit_id": 8},
        {"person_id": 43},
        {"holder_name": "王芬"},
        {"issued_at": ISSUED + datetime.timedelta(seconds=1)},
        {"filing_id": 5},
    ],
)
def test_any_changed_issue_data_gives_another_code(change: dict[str, object]) -> None:
    original = Issued()
    tampered = replace(original, **change)  # type: ignore[arg-type]
    assert verification_code(tampered) != verification_code(original)
    assert not code_matches(tampered, verification_code(original))


def test_a_receipt_of_another_filing_gets_another_code() -> None:
    receipt = Issued(kind="filing", filing_id=5)
    assert verification_code(replace(receipt, filing_id=6)) != verification_code(receipt)


def test_the_codes_of_certificates_printed_before_receipts_existed_still_match(settings) -> None:
    """The 备案凭证's filing joined the coded data; a 参保证明's code is what it was."""
    settings.SECRET_KEY = "a-fixed-secret-key-for-the-pinned-code-0123456789"
    assert verification_code(Issued()) == "49FYDFFNPA"


def test_the_code_depends_on_the_secret_key(settings) -> None:
    before = verification_code(Issued())
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert verification_code(Issued()) != before


def test_the_code_uses_its_own_salt(monkeypatch: pytest.MonkeyPatch) -> None:
    before = verification_code(Issued())
    monkeypatch.setattr(codes, "SALT", "another.salt")
    assert verification_code(Issued()) != before


def test_a_typed_code_matches_in_any_case_and_with_spaces() -> None:
    code = verification_code(Issued())
    assert code_matches(Issued(), f" {code[:5].lower()} -{code[5:]} ")
    assert code_normalise("ab cd-ef") == "ABCDEF"


def test_a_wrong_code_is_refused() -> None:
    code = verification_code(Issued())
    wrong = ("2" if code[0] != "2" else "3") + code[1:]
    assert not code_matches(Issued(), wrong)
    assert not code_matches(Issued(), code[:-1])
    assert not code_matches(Issued(), "")


def test_the_comparison_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []

    def spy(a: str, b: str) -> bool:
        calls.append((a, b))
        return constant_time_compare(a, b)

    monkeypatch.setattr(codes, "constant_time_compare", spy)
    assert code_matches(Issued(), verification_code(Issued()))
    assert calls == [(verification_code(Issued()), verification_code(Issued()))]


@given(st.text(max_size=30))
def test_no_random_text_matches(text: str) -> None:
    code = verification_code(Issued())
    assert code_matches(Issued(), text) == (code_normalise(text) == code)


def test_numbers_carry_the_date_and_are_random() -> None:
    numbers = {certificate_number_new(ISSUED) for _ in range(50)}
    assert len(numbers) == 50
    assert all(len(n) == 16 and n.startswith("20260305") and n.isdigit() for n in numbers)


def test_the_number_carries_the_local_issue_date() -> None:
    """The date printed beside the number (出具日期) is the local one; so is the number's."""
    late = datetime.datetime(2026, 3, 5, 17, 30, 0, tzinfo=datetime.UTC)  # 2026-03-06 01:30 in Beijing
    assert certificate_number_new(late).startswith("20260306")
