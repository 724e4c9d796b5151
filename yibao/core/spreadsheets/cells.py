"""One cell of a batch file: what people type, normalised, and the problems found in it.

`cell_text` makes full-width characters ASCII and removes stray whitespace, `parse_date` and
`date_cell` accept the usual ways of writing a date, `Lookups` finds the code of a coded column
from its code, its name or «代码 名称». `neutralise` is the way back: text written into a
spreadsheet that no spreadsheet will take for a formula (`cell_text` takes the guard off again).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from yibao.core.spreadsheets.layout import Column, column_choices
from yibao.core.validators._text import to_halfwidth


@dataclass(frozen=True)
class Problem:
    """What is wrong with a row, and the column (its title) it is about."""

    column: str
    message: str


def problems_text(problems: Iterable[Problem]) -> str:
    return "；".join(f"{p.column}：{p.message}" for p in problems)


_SPACES = re.compile(r"\s+")
_DATE_PATTERNS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_NEUTRALISED = re.compile(r"'(?=[=+\-@\t\r])")
_SPLIT_CODES = re.compile(r"[,，、;；/\s]+")
_CODE_FIRST = re.compile(r"([0-9A-Za-z]+)\s+([^,，、;；/]+)")


# What `cell_text` would change in a text: full-width forms, the ideographic space, whitespace
# other than a plain space, or a run of spaces.
_IRREGULAR = re.compile(r"[\uff01-\uff5e\u3000]|[^\S ]|  ")


def feed_cell_text(value: object, *, keep_time: bool = True, booleans: tuple[str, str] = ("1", "0")) -> str:
    """A cell of a machine-made file (a feed, a catalogue) as text, nothing normalised: whole
    numbers without «.0», dates as YYYY-MM-DD (a time kept when it is not midnight and
    `keep_time`), booleans as `booleans` (true, false), None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return booleans[0] if value else booleans[1]
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        if keep_time and value.time() != datetime.time():
            return value.isoformat(" ")
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def cell_text(value: object) -> str:
    """A cell as text, full-width characters made ASCII and stray whitespace removed."""
    if type(value) is str:
        text = (
            value.strip()
            if _IRREGULAR.search(value) is None
            else _SPACES.sub(" ", to_halfwidth(value)).strip()
        )
        return _NEUTRALISED.sub("", text, count=1) if text.startswith("'") else text
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return cell_text(str(value))


_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A cell text that no spreadsheet will take for a formula (OWASP: CSV/formula injection)."""
    return "'" + value if value.startswith(_DANGEROUS) else value


class Lookups:
    """Code, name and «代码 名称» of each coded column's list, normalised, to its code."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, str]] = {}
        self.widths: dict[str, int] = {}
        self.memo: dict[str, dict[str, str | None]] = {}
        self.many: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {}

    def table(self, column: Column) -> dict[str, str]:
        if column.key not in self.tables:
            found: dict[str, str] = {}
            choices = column_choices(column)
            for code, label in choices:
                for key in (code, label, f"{code} {label}", f"{code}{label}"):
                    found.setdefault(_SPACES.sub("", to_halfwidth(key)).upper(), code)
            self.tables[column.key] = found
            self.widths[column.key] = max((len(code) for code, _ in choices), default=0)
        return self.tables[column.key]

    def code(self, column: Column, text: str) -> str | None:
        """The code for a cell's text; remembered per column, as a file repeats a few values."""
        memo = self.memo.setdefault(column.key, {})
        if text not in memo:
            memo[text] = self._code(column, text)
        return memo[text]

    def codes(self, column: Column, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Several codes in one cell («310,510», also «310 职工基本医疗保险»): the codes found and
        the parts that are none; remembered like single codes."""
        memo = self.many.setdefault(column.key, {})
        if text not in memo:
            whole = self.code(column, text)
            parts = [text] if whole else [part for part in _SPLIT_CODES.split(text) if part]
            found: list[str] = []
            unknown: list[str] = []
            for part in parts:
                code = self.code(column, part)
                if code:
                    found.append(code)
                else:
                    unknown.append(part)
            memo[text] = (tuple(dict.fromkeys(found)), tuple(unknown))
        return memo[text]

    def _code(self, column: Column, text: str) -> str | None:
        table = self.table(column)
        width = self.widths[column.key]
        key = _SPACES.sub("", text).upper()
        if key in table:
            return table[key]
        if key.isdigit() and key.zfill(width) in table:  # Excel dropped a leading 0
            return table[key.zfill(width)]
        match = _CODE_FIRST.fullmatch(text)
        if match and match.group(1).upper() in table:  # «代码 名称» with another name
            return table[match.group(1).upper()]
        return None


def parse_date(text: str) -> datetime.date | None:
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                return None
    return None


def date_cell(column: Column, raw: object, text: str, problems: list[Problem]) -> datetime.date | None:
    """A date column's value: a real date cell, or text in one of the accepted forms."""
    day = raw if isinstance(raw, datetime.date) else parse_date(text)
    if isinstance(day, datetime.datetime):
        day = day.date()
    if day is None:
        problems.append(
            Problem(
                column.title, f"{column.title}「{text}」不是日期，请填写如 2026-11-01、2026/11/01 或 20261101"
            )
        )
    return day


def code_cell(column: Column, text: str, lookups: Lookups, problems: list[Problem]) -> str:
    code = lookups.code(column, text)
    if code is None:
        problems.append(Problem(column.title, f"「{text}」不是有效的{column.title}，请从下拉列表中选择"))
    return code or ""


def feed_timestamp(value: str) -> datetime.datetime:
    """A feed's update time: ISO 8601 (2026-05-01 10:20:30, with T, fractions or an offset; a bare
    date is midnight) or 20260501102030; without an offset, local time. Not later than now: the
    other system cannot have changed a record in the future. ValueError says what is wrong."""
    key = to_halfwidth(value).strip().replace("/", "-")
    try:
        moment = datetime.datetime.fromisoformat(key)
    except ValueError:
        try:
            moment = datetime.datetime.strptime(key, "%Y%m%d%H%M%S")  # noqa: DTZ007 - made aware below
        except ValueError:
            raise ValueError(f"“{value}”不是有效的时间（如 2026-05-01 10:20:30）") from None
    if moment.tzinfo is None:
        moment = timezone.make_aware(moment)
    if moment > timezone.now():
        raise ValueError(f"“{value}”晚于当前时间")
    return moment


def feed_header_key(value: str) -> str:
    """A feed's column header as compared with the known titles: without spaces, a trailing «*»,
    full-width forms or case."""
    return to_halfwidth(value).replace(" ", "").rstrip("*").strip().lower()
