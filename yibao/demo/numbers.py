"""Valid identifiers for demo data: USCC (GB 32100), ID numbers (GB 11643) and mobile numbers.

The check characters are computed here from the rules in shared/domain/facts.md §1 and §2; the
tests confirm the results with python-stdnum's validators.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from yibao.core.divisions import current_divisions, division_history

# --- USCC (统一社会信用代码) -----------------------------------------------------------------
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # GB 11714 body characters
_ORG_VALUE = {ch: i for i, ch in enumerate(ORG_ALPHABET)}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Body characters used for generated org codes: valid in both alphabets.
_ORG_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character: (31 - Σ value·3^(i) mod 31) mod 31 over the first 17."""
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """GB 11714 check character of an organisation code body (8 characters)."""
    total = sum(_ORG_VALUE[ch] * w for ch, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return "X"
    if check == 11:
        return "0"
    return str(check)


def make_uscc(rng: random.Random, *, dept_and_kind: str, admdvs: str) -> str:
    """A valid USCC: registration department + kind, registering division, org code, check.

    Enterprises registered after 2015 carry a new-style body (``MA`` + 6 characters); other
    bodies are the older all-digit organisation codes.
    """
    if dept_and_kind.startswith("9") and rng.random() < 0.7:
        body = "MA" + "".join(rng.choice(_ORG_BODY) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = dept_and_kind + admdvs + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


# --- 居民身份证号 (GB 11643) ----------------------------------------------------------------


def id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character.

    The weights are 2^(17-i) mod 11. Reading the 17 digits as a base-13 number gives
    Σ d·13^(16-i) ≡ Σ d·2^(16-i) (mod 11), because 13 ≡ 2; doubling it gives the weighted sum S.
    The check value c satisfies S + c ≡ 1 (mod 11). int() does the work in C, which matters when
    a million numbers are made.
    """
    value = (1 - 2 * int(first17, 13)) % 11
    return "X" if value == 10 else str(value)


def make_id_number(place: str, birth: date, sequence: int) -> str:
    """An 18-character ID number; `sequence` (0–999) is odd for men and even for women."""
    first17 = f"{place}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


_PERIOD = re.compile(r"^\[(?P<start>\d{4})?-(?P<end>\d{4})?\]")


def _years_valid(history: str) -> list[tuple[int, int]]:
    """Year ranges in which a code was in use, from a loc.dat history string.

    The ID-number check accepts a birthplace code when any of its periods covers the birth year;
    a name without a period has always been in use.
    """
    spans: list[tuple[int, int]] = []
    for part in history.split(","):
        match = _PERIOD.match(part.strip())
        if match is None:
            return [(0, 9999)]
        spans.append((int(match.group("start") or 0), int(match.group("end") or 9999)))
    return spans


@dataclass
class Birthplaces:
    """County codes of one province usable as the birthplace of a person born in a given year.

    Current codes come first; a year for which fewer than three current codes were already in use
    (loc.dat dates most codes of Henan and Guangdong from 1983) also takes the older codes of the
    province that were in use then, as real ID numbers of older people do.
    """

    province: str
    current: list[tuple[str, list[tuple[int, int]]]]
    historical: list[tuple[str, list[tuple[int, int]]]]
    _by_year: dict[int, list[str]] = field(default_factory=dict)

    def for_year(self, year: int) -> list[str]:
        codes = self._by_year.get(year)
        if codes is None:
            codes = [c for c, spans in self.current if any(a <= year <= b for a, b in spans)]
            if len(codes) < 3:
                codes += [c for c, spans in self.historical if any(a <= year <= b for a, b in spans)]
            if not codes:
                raise ValueError(f"no birthplace code of province {self.province} was in use in {year}")
            self._by_year[year] = codes
        return codes


@cache
def _loc_history() -> dict[str, str]:
    return dict(division_history())


@cache
def birthplaces(province: str) -> Birthplaces:
    """Birthplace codes of a province (two-digit prefix), from the GB/T 2260 table."""
    history = _loc_history()
    current_codes = sorted(
        row.code for row in current_divisions() if row.level == 3 and row.code.startswith(province)
    )
    current_set = set(current_codes)
    historical = [
        (code, _years_valid(raw))
        for code, raw in sorted(history.items())
        if code.startswith(province)
        and not code.endswith("00")
        and code not in current_set
        and not raw.endswith("市辖区")
    ]
    current = [(code, _years_valid(history[code])) for code in current_codes if code in history]
    return Birthplaces(province=province, current=current, historical=historical)


class IdNumberFactory:
    """Unique ID numbers; remembers every number it issued (as integers of the first 17)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._issued: set[int] = set()
        self._days: dict[date, str] = {}  # strftime is slow; there are only ~25,000 birthdays

    def make(self, province: str, birth: date, *, male: bool) -> str:
        codes = birthplaces(province).for_year(birth.year)
        rng = self._rng
        day = self._days.get(birth)
        if day is None:
            day = self._days[birth] = f"{birth:%Y%m%d}"
        while True:
            place = codes[int(rng.random() * len(codes))]
            sequence = int(rng.random() * 500) * 2 + (1 if male else 0)
            first17 = f"{place}{day}{sequence:03d}"
            key = int(first17)
            if key not in self._issued:
                self._issued.add(key)
                return first17 + id_check_char(first17)


# --- Mobile numbers --------------------------------------------------------------------------
# Prefixes of the three carriers' mobile ranges (a sample, weighted by repetition).
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "180", "181", "182",
    "183", "185", "186", "187", "188", "189", "191", "198", "199", "138", "139", "135", "186",
)  # fmt: skip


def make_mobile(rng: random.Random) -> str:
    return MOBILE_PREFIXES[int(rng.random() * len(MOBILE_PREFIXES))] + f"{int(rng.random() * 1e8):08d}"


# --- names --------------------------------------------------------------------------------------
_NUMERALS = "零一二三四五六七八九"


def numbered_name(prefix: str, number: int) -> str:
    """A distinct valid person name for generated rows: «职工» + 1203 → 职工一二零三 (a name holds
    no digits)."""
    return prefix + "".join(_NUMERALS[int(digit)] for digit in str(number))
