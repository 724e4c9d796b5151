"""Input normalisation shared by the validators."""

from __future__ import annotations

# Full-width ASCII forms (U+FF01..U+FF5E) typed with a Chinese input method, and the
# ideographic space U+3000, mapped to their ASCII counterparts.
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def to_halfwidth(value: str) -> str:
    """Replace full-width ASCII characters (e.g. «９１３５») by plain ASCII ("9135")."""
    return value.translate(_HALFWIDTH)


def normalise_code(value: str) -> str:
    """Code-like input: full-width to ASCII, surrounding whitespace removed, upper case."""
    return to_halfwidth(value).strip().upper()
