"""Reads of the core system's unit register."""

from __future__ import annotations

from yibao.federation.models import CoreUnit


def core_unit_for_uscc(uscc: str) -> CoreUnit | None:
    return CoreUnit.objects.filter(uscc=uscc).first()


def phones_match(registered: str, typed: str) -> bool:
    """Two phone numbers are the same number, whatever separators they were written with."""
    digits = "".join(ch for ch in registered if ch.isdigit())
    return bool(digits) and digits == "".join(ch for ch in typed if ch.isdigit())
