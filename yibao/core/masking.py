"""Masking of personal numbers for display (DESIGN §4: personal data)."""

from __future__ import annotations

MASK = "*"


def mask_id_number(value: str | None) -> str:
    """Keep the first 4 and last 4 characters: 1101**********1234."""
    if not value:
        return ""
    text = str(value).strip()
    if len(text) <= 8:
        return MASK * len(text)
    return text[:4] + MASK * (len(text) - 8) + text[-4:]


def mask_phone(value: str | None) -> str:
    """Keep the first 3 and last 4 digits of a mobile number: 166****0715."""
    if not value:
        return ""
    text = str(value).strip()
    if len(text) <= 7:
        return MASK * len(text)
    return text[:3] + MASK * (len(text) - 7) + text[-4:]


def mask_name(value: str | None) -> str:
    """Keep the first character of a Chinese name: 张**."""
    if not value:
        return ""
    text = str(value).strip()
    if len(text) == 1:
        return text
    return text[0] + MASK * (len(text) - 1)


class IdentityDisplay:
    """How a page or an export shows 证件号码 and 手机号码: masked, unless the operator's grant
    allows full values (权限管理 → 数据权限)."""

    def __init__(self, *, full: bool = False) -> None:
        self.full = full

    def id_number(self, value: str | None) -> str:
        return (value or "").strip() if self.full else mask_id_number(value)

    def phone(self, value: str | None) -> str:
        return (value or "").strip() if self.full else mask_phone(value)


MASKED = IdentityDisplay()
