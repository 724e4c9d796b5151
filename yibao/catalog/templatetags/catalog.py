"""Display helpers of the catalogue pages: region names and code labels from cached tables."""

from __future__ import annotations

from django import template

from yibao.catalog.regions import region_full_name
from yibao.core.reference import code_label as reference_code_label

register = template.Library()


@register.filter
def region_name(code: str | None) -> str:
    """云南省昆明市西山区 for 530112."""
    return region_full_name(code) or (code or "")


@register.filter
def code_label(code: str | None, table: str) -> str:
    return reference_code_label(table, code)


@register.filter
def yes_no(value: object) -> str:
    return "是" if value else "否"


@register.filter
def row_number(counter0: int, first_index: int) -> int:
    """序号 across pages: the first row of page 3 (20 a page) is 41."""
    return first_index + counter0
