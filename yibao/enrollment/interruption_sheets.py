"""The 批量文件中断 file (职工中断参保, Henan manual 004): its layout, template and reader.

One row per person to interrupt: 证件类型, 证件号码, 姓名, 中断原因, 中断日期. Parsing finds what
the file alone gets wrong; `interruption_batch.interruption_batch_validate` checks the rows against
the records and the profile's window.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from yibao.core.spreadsheets import failures, reader, template
from yibao.core.spreadsheets.cells import Lookups, Problem, cell_text, code_cell, date_cell
from yibao.core.spreadsheets.layout import Column, SheetLayout
from yibao.core.spreadsheets.reader import SheetRead, SheetRow
from yibao.enrollment.cert_cells import cert_no_problem
from yibao.enrollment.interruption import InterruptionReason

SHEET = "中断参保"


@dataclass(slots=True)
class InterruptionRow:
    cert_type: str
    cert_no: str
    name: str
    reason: str
    pause_date: datetime.date | None
    person_id: int | None = None  # set by the validation when the records hold the person


InterruptionSheetRow = SheetRow[InterruptionRow]

COLUMNS: tuple[Column, ...] = (
    Column("cert_type", "证件类型", required=True, table="psn_cert_type", kind="code"),
    Column("cert_no", "证件号码", required=True, width=18),
    Column("name", "姓名", required=True),
    Column("reason", "中断原因", required=True, kind="code", choices=tuple(InterruptionReason.choices)),
    Column("pause_date", "中断日期", required=True, kind="date"),
)

INSTRUCTIONS = (
    "批量文件中断模板填写说明",
    "1. 编辑时从第二行开始填写，不得修改模板文件第一行（表头），不得增加、删除或调整列的顺序。",
    "2. 所有列均为必填项；每行填写一名需要中断参保的本单位正常参保人员。",
    "3. 证件号码列已设置为文本格式，请勿改为数值格式，否则18位号码会被Excel转换为科学计数法而丢失末几位。",
    "4. 证件类型、中断原因请从下拉列表中选择，也可填写代码（如 01）或名称（如 调出）。",
    "5. 中断日期请填写为 2026-11-01、2026/11/01 或 20261101 格式，须在经办规则允许的范围内，且不早于参保日期。",
    "6. 姓名须与证件号码对应人员的登记姓名一致。",
    "7. 单元格中不得使用公式，文件中只保留「中断参保」「填写说明」「代码表」工作表，不得设置密码。",
    "8. 同一文件中同一证件号码只能出现一次。校验失败的数据可导出，修改后重新导入。",
)

LAYOUT = SheetLayout(SHEET, COLUMNS, INSTRUCTIONS)
TITLES = LAYOUT.titles
REQUIRED_MESSAGES = {
    "cert_type": "请选择证件类型",
    "cert_no": "请填写证件号码",
    "name": "请填写姓名",
    "reason": "请选择中断原因",
    "pause_date": "请填写中断日期",
}


def interruption_template_xlsx(*, rows: int) -> bytes:
    """下载模板 of 批量文件中断, for files of up to `rows` rows."""
    return template.template_xlsx(LAYOUT, rows=rows)


def read_interruption_file(data: bytes, *, max_rows: int) -> SheetRead[InterruptionRow]:
    """Read a 批量文件中断 file: the rows, their parsing problems, or a file-level refusal."""
    return reader.read_sheet(data, LAYOUT, reader.each_row(_parse_row), max_rows=max_rows)


def _parse_row(number: int, values: list[Any], lookups: Lookups) -> InterruptionSheetRow:
    cells = tuple(cell_text(value) for value in values)
    problems: list[Problem] = []
    parsed: dict[str, Any] = {}
    for column, raw, text in zip(COLUMNS, values, cells, strict=True):
        if not text:
            problems.append(Problem(column.title, REQUIRED_MESSAGES[column.key]))
        elif column.kind == "date":
            parsed[column.key] = date_cell(column, raw, text, problems)
        elif column.kind == "code":
            parsed[column.key] = code_cell(column, text, lookups, problems)
        else:
            parsed[column.key] = text
    scientific = cert_no_problem(values[1], cells[1])
    if scientific:
        problems.append(scientific)
    name = parsed.get("name", "")
    if len(name) > 50:
        problems.append(Problem("姓名", "姓名不能超过50个字"))
    row = InterruptionRow(
        cert_type=parsed.get("cert_type", ""),
        cert_no=parsed.get("cert_no", "").replace(" ", "").upper(),
        name=name,
        reason=parsed.get("reason", ""),
        pause_date=parsed.get("pause_date"),
    )
    return SheetRow(row=number, data=row, cells=cells, problems=problems)


def interruption_failures_xlsx(rows: Iterable[SheetRow[Any]]) -> bytes:
    """导出失败数据 of a 批量文件中断 file."""
    return failures.failures_xlsx(LAYOUT, rows)
