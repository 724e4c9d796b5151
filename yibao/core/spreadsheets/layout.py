"""What a batch file looks like: its data sheet, its columns and the lines of its 填写说明.

A `SheetLayout` is all that the template, the reader and the failure export need to know about
one kind of file; the app that owns the file says how a row becomes its data.
"""

from __future__ import annotations

from dataclasses import dataclass

from yibao.core.reference import code_choices

HELP_SHEET = "填写说明"
CODE_SHEET = "代码表"
ERROR_TITLE = "错误原因"


@dataclass(frozen=True)
class Column:
    """A column of a batch file. `kind`: text, code (one value of a list), codes (several values
    of a list in one cell), date or number. A coded column takes its list from a code `table` or
    from its own `choices`. `width` is in characters; `prompt` is the dropdown's input message and
    `described` the column's kind in 填写说明, where the defaults of its kind do not fit."""

    key: str
    title: str
    required: bool = False
    table: str = ""  # the code table of a coded column
    kind: str = "text"  # text, code, codes, date, number
    choices: tuple[tuple[str, str], ...] = ()  # a coded column's own list, instead of a table
    width: int = 13
    prompt: str = ""
    described: str = ""

    @property
    def coded(self) -> bool:
        return bool(self.table or self.choices)


def column_choices(column: Column) -> list[tuple[str, str]]:
    return list(column.choices) if column.choices else list(code_choices(column.table))


@dataclass(frozen=True)
class SheetLayout:
    """One kind of batch file: its data sheet, its columns and the lines of its 填写说明."""

    sheet: str
    columns: tuple[Column, ...]
    instructions: tuple[str, ...]

    @property
    def titles(self) -> tuple[str, ...]:
        return tuple(c.title for c in self.columns)

    @property
    def width(self) -> int:
        return len(self.columns)

    @property
    def sheets(self) -> tuple[str, ...]:
        return (self.sheet, HELP_SHEET, CODE_SHEET)
