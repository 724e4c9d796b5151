"""The 批量参保登记 file (Henan manual 004): its layout, template, reader and failure export.

The shared machinery (archive checks, header, cells, dropdowns) is in `yibao.core.spreadsheets`;
this module says which columns the file has and how one row becomes an `EnrollmentRow` with the
problems that parsing alone can find. The rules that need the region and the records are applied
by `batch.batch_validate`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from yibao.core.reference import code_choices
from yibao.core.spreadsheets import failures, reader, template
from yibao.core.spreadsheets.cells import (
    Lookups,
    Problem,
    cell_text,
    code_cell,
    date_cell,
    neutralise,
    problems_text,
)
from yibao.core.spreadsheets.layout import CODE_SHEET, HELP_SHEET, Column, SheetLayout
from yibao.core.spreadsheets.reader import SheetRead, SheetRow
from yibao.enrollment.cert_cells import SCIENTIFIC_ID, cert_no_problem
from yibao.enrollment.rules import EnrollmentRow, employee_psn_type, parse_base

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
    Column("cert_no", "证件号码", required=True, width=18),
    Column("name", "姓名", required=True),
    Column("gender", "性别", table="gend", kind="code"),
    Column("birth_date", "出生日期", kind="date"),
    Column("nation", "民族", table="naty", kind="code"),
    Column("nationality", "国籍"),
    Column("mobile", "手机号码"),
    Column("address", "联系地址", width=18),
    Column("first_work_date", "首次参加工作日期", kind="date", width=18),
    Column("psn_type", "人员类别", required=True, table="psn_type", kind="code"),
    Column("emp_form", "用工形式", required=True, table="emp_fom", kind="code"),
    Column(
        "insutypes",
        "险种",
        required=True,
        table="insutype",
        kind="codes",
        prompt="可填写多个险种，用英文逗号分隔，如 310,510",
        described="险种代码，可多个",
    ),
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


def _psn_type_options() -> list[str]:
    return [f"{code} {label}" for code, label in code_choices("psn_type") if employee_psn_type(code)]


def enrollment_template_xlsx(*, rows: int, insutypes: Sequence[str] | None = None) -> bytes:
    """The 下载模板 file for files of up to `rows` rows. `insutypes`: the 险种 the unit's region
    offers (dropdown suggestions); 人员类别 lists the employees' categories only."""
    options = {"insutypes": _insutype_options(insutypes), "psn_type": _psn_type_options()}
    return template.template_xlsx(LAYOUT, rows=rows, options=options)


def read_enrollment_file(data: bytes, *, max_rows: int) -> SheetRead[EnrollmentRow]:
    """Read a 批量参保登记 file: the rows, their parsing problems, or a file-level refusal."""
    return reader.read_sheet(data, LAYOUT, _parse_table, max_rows=max_rows)


# Required columns whose emptiness the rules report (with their own words), not the parser.
_SAID_BY_RULES = frozenset({"cert_no", "name", "start_date", "base", "insutypes"})
Parsed = tuple[str, Any, Problem | None]  # a cell's text, its value, what is wrong with it


def _cell_parser(column: Column, lookups: Lookups) -> Any:
    """The function turning one raw cell of `column` into (text, value, problem)."""

    def parse(raw: object) -> Parsed:
        text = cell_text(raw)
        if not text:
            needed = column.required and column.key not in _SAID_BY_RULES
            return text, None, Problem(column.title, f"请选择{column.title}") if needed else None
        found: list[Problem] = []
        value: Any
        if column.kind == "date":
            value = date_cell(column, raw, text, found)
        elif column.kind == "code":
            value = code_cell(column, text, lookups, found)
        elif column.kind == "codes":
            value, unknown = lookups.codes(column, text)
            if unknown:
                found.append(Problem(column.title, f"「{'、'.join(unknown)}」不是有效的险种代码"))
        else:  # number
            value = parse_base(text)
            if value is None:
                found.append(Problem(column.title, f"{column.title}「{text}」不是数字，请填写如 6000.00"))
        return text, value, found[0] if found else None

    return parse


def _parse_table(numbers: list[int], table: list[list[Any]], lookups: Lookups) -> list[EnrollmentSheetRow]:
    """Parse the file column by column: a coded, date or number column holds a few distinct
    values, each parsed once; the text columns are only normalised."""
    problems: list[list[Problem]] = [[] for _ in numbers]
    texts: list[list[str]] = []
    values: dict[str, list[Any]] = {}
    for index, column in enumerate(COLUMNS):
        raw_column = [row[index] for row in table]
        if column.kind == "text":
            column_texts = [cell_text(raw) for raw in raw_column]
            texts.append(column_texts)
            values[column.key] = column_texts
            continue
        parse = _cell_parser(column, lookups)
        memo: dict[tuple[type, object], Parsed] = {}  # by type too: True == 1 == 1.0
        column_texts = []
        column_values = []
        for position, raw in enumerate(raw_column):
            key = (type(raw), raw)
            try:
                parsed = memo[key]
            except KeyError:
                parsed = memo[key] = parse(raw)
            column_texts.append(parsed[0])
            column_values.append(parsed[1])
            if parsed[2] is not None:
                problems[position].append(parsed[2])
        texts.append(column_texts)
        values[column.key] = column_values

    # `values` holds the columns in the order of COLUMNS, which the unpacking below follows.
    rows: list[EnrollmentSheetRow] = []
    cert_raw = [row[1] for row in table]
    by_row = zip(
        numbers, zip(*texts, strict=True), cert_raw, problems, zip(*values.values(), strict=True), strict=True
    )
    for number, cells, raw_cert, found, fields in by_row:
        (cert_type, cert_no, name, gender, birth_date, nation, nationality, mobile, address,
         first_work_date, psn_type, emp_form, insutypes, start_date, base) = fields  # fmt: skip
        scientific = cert_no_problem(raw_cert, cells[1])
        if scientific:
            found.append(scientific)
        # The name, nationality, mobile and address are checked (and normalised) by the rules
        # of the single form, `rules.row_problems`, as every other field.
        row = EnrollmentRow(
            cert_type=cert_type or "",
            cert_no=cert_no.replace(" ", "").upper(),
            name=name,
            gender=gender or "",
            birth_date=birth_date,
            nation=nation or "",
            nationality=nationality,
            mobile=mobile,
            address=address,
            first_work_date=first_work_date,
            psn_type=psn_type or "",
            emp_form=emp_form or "",
            insutypes=insutypes or (),
            start_date=start_date,
            base=base,
        )
        rows.append(SheetRow(row=number, data=row, cells=cells, problems=found))
    return rows


def failures_xlsx(rows: Iterable[EnrollmentSheetRow]) -> bytes:
    """导出失败数据 of a 批量参保登记 file."""
    return failures.failures_xlsx(LAYOUT, rows)
