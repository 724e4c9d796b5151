"""The 批量参保登记 file (Henan manual 004): its layout, template, reader and failure export.

The shared machinery (archive checks, header, cells, dropdowns) is in `workbooks`; this module
says which columns the file has and how one row becomes an `EnrollmentRow` with the problems
that parsing alone can find. The rules that need the region and the records are applied by
`batch.batch_validate`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from yibao.core.reference import code_choices
from yibao.enrollment import workbooks
from yibao.enrollment.rules import EnrollmentRow, Problem, parse_base
from yibao.enrollment.workbooks import (
    CODE_SHEET,
    HELP_SHEET,
    SCIENTIFIC_ID,
    Column,
    Lookups,
    SheetLayout,
    SheetRead,
    SheetRow,
    cell_text,
    cert_no_problem,
    code_cell,
    date_cell,
    neutralise,
    problems_text,
)

__all__ = [
    "CODE_SHEET",
    "HELP_SHEET",
    "LAYOUT",
    "SCIENTIFIC_ID",
    "SHEET",
    "TITLES",
    "EnrollmentSheetRow",
    "SheetRead",
    "SheetRow",
    "enrollment_template_xlsx",
    "failures_xlsx",
    "neutralise",
    "problems_text",
    "read_enrollment_file",
]

SHEET = "参保登记"
EnrollmentSheetRow = SheetRow[EnrollmentRow]

COLUMNS: tuple[Column, ...] = (
    Column("cert_type", "证件类型", required=True, table="psn_cert_type", kind="code"),
    Column("cert_no", "证件号码", required=True),
    Column("name", "姓名", required=True),
    Column("gender", "性别", table="gend", kind="code"),
    Column("birth_date", "出生日期", kind="date"),
    Column("nation", "民族", table="naty", kind="code"),
    Column("nationality", "国籍"),
    Column("mobile", "手机号码"),
    Column("address", "联系地址"),
    Column("first_work_date", "首次参加工作日期", kind="date"),
    Column("psn_type", "人员类别", required=True, table="psn_type", kind="code"),
    Column("emp_form", "用工形式", table="emp_fom", kind="code"),
    Column("insutypes", "险种", required=True, table="insutype", kind="codes"),
    Column("start_date", "参保日期", required=True, kind="date"),
    Column("base", "月缴费基数", required=True, kind="number"),
)

INSTRUCTIONS = (
    "批量参保登记模板填写说明",
    "1. 编辑时从第二行开始填写，不得修改模板文件第一行（表头），不得增加、删除或调整列的顺序。",
    "2. 带 * 的列为必填项；证件类型为居民身份证时，性别和出生日期可不填，系统按身份证号码生成并校验。",
    "3. 证件号码列已设置为文本格式，请勿改为数值格式，否则18位号码会被Excel转换为科学计数法而丢失末几位。",
    "4. 证件类型、性别、民族、人员类别、用工形式请从下拉列表中选择，也可填写代码（如 01）或名称（如 汉族）。",
    "5. 险种可填写一个或多个险种代码，多个险种用英文逗号分隔，如 310,510；须为本统筹区可参保的险种。",
    "6. 日期请填写为 2026-11-01、2026/11/01 或 20261101 格式；参保日期须在经办规则允许的范围内。",
    "7. 月缴费基数须在本统筹区当年缴费基数上下限之间，保留两位小数，如 6000.00。",
    "8. 国籍填写三位字母代码，中国为 CHN（不填默认为 CHN）；手机号码为11位数字。",
    "9. 单元格中不得使用公式，文件中只保留「参保登记」「填写说明」「代码表」工作表，不得设置密码。",
    "10. 同一文件中同一证件号码只能出现一次。校验失败的数据可导出，修改后重新导入。",
)


LAYOUT = SheetLayout(SHEET, COLUMNS, INSTRUCTIONS)
TITLES = LAYOUT.titles


def _insutype_options(insutypes: Sequence[str] | None) -> list[str]:
    codes = list(insutypes) if insutypes else [code for code, _ in code_choices("insutype")]
    combos = [",".join(sorted(insutypes))] if insutypes and len(insutypes) > 1 else ["310,510", "310,330,510"]
    return combos + [f"{code}" for code in codes]


def enrollment_template_xlsx(*, insutypes: Sequence[str] | None = None) -> bytes:
    """The 下载模板 file. `insutypes`: the 险种 the unit's region offers (dropdown suggestions)."""
    return workbooks.template_xlsx(LAYOUT, options={"insutypes": _insutype_options(insutypes)})


def read_enrollment_file(data: bytes, *, max_rows: int) -> SheetRead[EnrollmentRow]:
    """Read a 批量参保登记 file: the rows, their parsing problems, or a file-level refusal."""
    return workbooks.read_sheet(data, LAYOUT, _parse_row, max_rows=max_rows)


def _parse_row(number: int, values: list[Any], lookups: Lookups) -> EnrollmentSheetRow:
    cells = tuple(cell_text(value) for value in values)
    problems: list[Problem] = []
    parsed: dict[str, Any] = {}
    for column, raw, text in zip(COLUMNS, values, cells, strict=True):
        if not text:
            if column.required and column.key not in {"cert_no", "name", "start_date", "base", "insutypes"}:
                problems.append(Problem(column.title, f"请选择{column.title}"))  # the rules say the rest
            continue
        if column.kind == "date":
            parsed[column.key] = date_cell(column, raw, text, problems)
        elif column.kind == "code":
            parsed[column.key] = code_cell(column, text, lookups, problems)
        elif column.kind == "codes":
            codes, unknown = lookups.codes(column, text)
            if unknown:
                problems.append(Problem(column.title, f"「{'、'.join(unknown)}」不是有效的险种代码"))
            parsed[column.key] = codes
        elif column.kind == "number":
            amount = parse_base(text)
            if amount is None:
                problems.append(Problem(column.title, f"{column.title}「{text}」不是数字，请填写如 6000.00"))
            parsed[column.key] = amount
        else:
            parsed[column.key] = text
    scientific = cert_no_problem(values[1], cells[1])
    if scientific:
        problems.append(scientific)
    row = EnrollmentRow(
        cert_type=parsed.get("cert_type", ""),
        cert_no=parsed.get("cert_no", "").replace(" ", "").upper(),
        name=parsed.get("name", ""),
        gender=parsed.get("gender", ""),
        birth_date=parsed.get("birth_date"),
        nation=parsed.get("nation", ""),
        nationality=(parsed.get("nationality") or "CHN").upper(),
        mobile=parsed.get("mobile", "").replace(" ", "").replace("-", ""),
        address=parsed.get("address", ""),
        first_work_date=parsed.get("first_work_date"),
        psn_type=parsed.get("psn_type", ""),
        emp_form=parsed.get("emp_form", ""),
        insutypes=parsed.get("insutypes", ()),
        start_date=parsed.get("start_date"),
        base=parsed.get("base"),
    )
    if row.nationality in {"中国", "中华人民共和国"}:
        row.nationality = "CHN"
    if not re.fullmatch(r"[A-Z]{3}", row.nationality):
        problems.append(Problem("国籍", "国籍请填写三位字母代码，如 CHN"))
    if row.mobile and not re.fullmatch(r"1[3-9]\d{9}", row.mobile):
        problems.append(Problem("手机号码", "手机号码应为11位数字，如 13800000000"))
    if len(row.address) > 200:
        problems.append(Problem("联系地址", "联系地址不能超过200个字"))
    if len(row.name) > 50:
        problems.append(Problem("姓名", "姓名不能超过50个字"))
    return SheetRow(row=number, data=row, cells=cells, problems=problems)


def failures_xlsx(rows: Iterable[EnrollmentSheetRow]) -> bytes:
    """导出失败数据 of a 批量参保登记 file."""
    return workbooks.failures_xlsx(LAYOUT, rows)
