"""Personal names (姓名) as a certificate writes them.

A name is made of letters: Chinese characters (any CJK ideograph, rare ones included, and 〇) or
the letters of another script, in parts separated by one space, the middle dot «·» of minority
and foreign names transcribed into Chinese, a hyphen, an apostrophe or a full stop. It starts
with a letter and ends with one (or a full stop: «Jr.»), so that a spreadsheet cell can never
read as a formula («=HYPERLINK(…)»), and it holds no digits. A name on a mainland certificate
(居民身份证, 军官证, 警官证 …) is written in Chinese characters only.
"""

from __future__ import annotations

import re
import unicodedata

from yibao.core.errors import ApplicationError
from yibao.core.validators._text import to_halfwidth
from yibao.core.validators.error_codes import NameErrorCode

NAME_MAX_LENGTH = 50
MIDDLE_DOT = "·"
# Dots typed for «·» by various input methods: bullet, hyphenation point, katakana middle dot,
# its half-width form, full-width full stop (already «.» after to_halfwidth) is kept as «.».
_DOTS = {ord(char): MIDDLE_DOT for char in "•‧・･∙⋅"}
_SEPARATORS = frozenset(f" {MIDDLE_DOT}-'.")
# 居民身份证 01, 军官证 02, 警官证 03, 残疾人证 09, 军烈属证明 10: names in Chinese characters.
CHINESE_NAME_CERTS = frozenset({"01", "02", "03", "09", "10"})

MESSAGES: dict[NameErrorCode, str] = {
    NameErrorCode.REQUIRED: "请输入姓名",
    NameErrorCode.LENGTH: f"姓名不能超过{NAME_MAX_LENGTH}个字",
    NameErrorCode.DIGITS: "姓名不能包含数字，请按证件上的姓名填写",
    NameErrorCode.CHARACTERS: "姓名只能由文字组成，间隔号请用「·」，不能包含其他符号，请按证件上的姓名填写",
    NameErrorCode.NOT_CHINESE: "该证件的姓名应为汉字（少数民族姓名的间隔号请用「·」），请按证件上的姓名填写",
}


def _fail(code: NameErrorCode, field: str | None) -> ApplicationError:
    return ApplicationError(code, MESSAGES[code], field=field)


def is_chinese_character(char: str) -> bool:
    return char == "〇" or unicodedata.name(char, "").startswith(
        ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")
    )


def _is_letter(char: str) -> bool:
    return unicodedata.category(char).startswith(("L", "M")) or char == "〇"


def normalise_name(value: str) -> str:
    """Full-width forms to ASCII, the dots of input methods to «·», runs of spaces to one, and
    no space next to a Chinese character («王 芳», padded to the width of three, is 王芳)."""
    text = re.sub(r"\s+", " ", to_halfwidth(value or "").translate(_DOTS)).strip()
    if " " not in text:
        return text
    parts = text.split(" ")
    joined = parts[0]
    for part in parts[1:]:
        chinese = is_chinese_character(joined[-1]) or is_chinese_character(part[0])
        joined += part if chinese else f" {part}"
    return joined


def validate_person_name(value: str, *, cert_type: str = "", field: str | None = None) -> str:
    """Check a person's name (for the 证件类型 it is written on); return it normalised."""
    name = normalise_name(value)
    if not name:
        raise _fail(NameErrorCode.REQUIRED, field)
    if len(name) > NAME_MAX_LENGTH:
        raise _fail(NameErrorCode.LENGTH, field)
    if any(unicodedata.category(char) == "Nd" for char in name):
        raise _fail(NameErrorCode.DIGITS, field)
    previous_separator = True  # a name does not start with a separator
    for char in name:
        if char in _SEPARATORS:
            if previous_separator:
                raise _fail(NameErrorCode.CHARACTERS, field)
            previous_separator = True
        elif _is_letter(char):
            previous_separator = False
        else:
            raise _fail(NameErrorCode.CHARACTERS, field)
    if previous_separator and not name.endswith("."):  # «Jr.» ends with its full stop
        raise _fail(NameErrorCode.CHARACTERS, field)
    if cert_type in CHINESE_NAME_CERTS and not all(
        is_chinese_character(char) or char == MIDDLE_DOT for char in name
    ):
        raise _fail(NameErrorCode.NOT_CHINESE, field)
    return name
