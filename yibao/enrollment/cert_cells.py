"""The 证件号码 cell of the person batch files (批量参保登记, 批量文件中断).

Excel turns a long ID number typed into a cell not formatted as text into a number
(5.30102199005E+17): the last digits are lost, and only the person can type them again.
"""

from __future__ import annotations

import re

from yibao.core.spreadsheets.cells import Problem

SCIENTIFIC_ID = "证件号码被Excel转换为数字（科学计数法），请将该列设置为文本格式后重新填写"
_SCIENTIFIC = re.compile(r"\d(\.\d+)?E\+?\d+", re.IGNORECASE)


def cert_no_problem(raw: object, text: str) -> Problem | None:
    """An ID number Excel turned into a number (1.1E+17 and the like): the digits are lost."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if len(text) >= 16 or (isinstance(raw, float) and not raw.is_integer()):
            return Problem("证件号码", SCIENTIFIC_ID)
    elif _SCIENTIFIC.fullmatch(text):
        return Problem("证件号码", SCIENTIFIC_ID)
    return None
