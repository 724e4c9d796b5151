from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from yibao.contributions.periods import period_text

register = template.Library()


@register.filter
def month(period: int | None) -> str:
    """202601 → 2026-01."""
    return period_text(period) if period else ""


@register.filter
def label(labels: dict[str, str], code: Any) -> str:
    """The label of a code in a {code: label} map, or the code itself."""
    return labels.get(str(code), str(code))


@register.filter
def money(value: Decimal | None) -> str:
    """An amount with thousands separators and two places: 18,000.00."""
    return "" if value is None else f"{value:,.2f}"
