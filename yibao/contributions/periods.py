"""Months as YYYYMM integers (费款所属期): parsing, stepping and the query ranges."""

from __future__ import annotations

import datetime
import re

FIRST_YEAR = 1990  # no 费款所属期 of the medical-insurance system is older
_PERIOD = re.compile(r"^(\d{4})-?(\d{2})$")


def period_of(day: datetime.date) -> int:
    return day.year * 100 + day.month


def period_read(text: str) -> int | None:
    """«202401» or «2024-01» → 202401, any year; None when it is no month."""
    match = _PERIOD.match(text.strip())
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return year * 100 + month if 1 <= month <= 12 else None


def period_parse(text: str) -> int | None:
    """«202401» or «2024-01» → 202401; None when it is no month of the system (before 1990)."""
    period = period_read(text)
    return period if period is not None and period // 100 >= FIRST_YEAR else None


def period_add(period: int, months: int) -> int:
    index = (period // 100) * 12 + (period % 100 - 1) + months
    return (index // 12) * 100 + index % 12 + 1


def period_span(start: int, end: int) -> int:
    """How many months from `start` to `end`, both included (0 when end is before start)."""
    return max(((end // 100) * 12 + end % 100) - ((start // 100) * 12 + start % 100) + 1, 0)


def period_text(period: int) -> str:
    return f"{period // 100:04d}-{period % 100:02d}"


def default_range(today: datetime.date, months: int) -> tuple[int, int]:
    """The last `months` months up to the current one."""
    end = period_of(today)
    return period_add(end, -(months - 1)), end
