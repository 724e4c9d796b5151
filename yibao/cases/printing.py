"""打印报表: an application rendered as the A4 form the unit prints, stamps and uploads again.

The form is an HTML template rendered by WeasyPrint in the documents' one CJK face
(`yibao.core.pdf.FONT_FAMILY`), so it prints the same on any machine. Values read as a person reads
them (code labels, region names, the records a value names); the new values the unit entered are
shown in full (the legal representative signs for them), values read from the record are masked.

A change reads 项目 / 变更前 / 变更后 with the changed rows marked; a registration or a list
(`changes_record` False) reads like a filled-in form, two 项目 to a line. A batch application's
persons follow its form as a list, page by page, each page naming the 办件编号 and the batch
(`yibao.core.pdf_tables`: WeasyPrint would take minutes for 100,000 rows).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from yibao.cases.models import Application
from yibao.cases.selectors import ChangeRow, LineCells, application_change_rows, application_lines
from yibao.cases.types import ApplicationType, application_type
from yibao.core.masking import mask_phone
from yibao.core.pdf import pdf_from_html
from yibao.core.pdf_tables import TablePlan, table_pages_append, table_plan
from yibao.core.selectors import division_full_name

TEMPLATE = "cases/print/application_form.html"
STYLESHEET = Path(__file__).resolve().parent / "templates" / "cases" / "print" / "application_form.css"
FOOTER_NOTE = "本表一式两份，加盖单位公章后扫描上传"
LIST_ROW_LABEL = "行号"  # the person's row in the unit's file, as the review page shows it
WIDE_VALUE = 15  # Chinese characters (a digit or letter counts about half): longer takes a line
LINES_READ = 2_000


@dataclass(frozen=True)
class EntryCell:
    label: str
    value: str
    wide: bool


def _ems(text: str) -> float:
    """The text's width in Chinese characters."""
    return sum(0.55 if char.isascii() else 1.0 for char in text)


def entry_lines(rows: list[ChangeRow]) -> list[list[EntryCell]]:
    """A registration's 项目 two to a line; a long value (an address, several 险种) has its line."""
    lines: list[list[EntryCell]] = []
    pending: list[EntryCell] = []
    for row in rows:
        cell = EntryCell(row.label, row.after, _ems(row.after) > WIDE_VALUE)
        if cell.wide:
            lines.append([cell])
            continue
        pending.append(cell)
        if len(pending) == 2:
            lines.append(pending)
            pending = []
    if pending:
        lines.append(pending)
    return lines


def _list_rows(application: Application, kind: ApplicationType) -> Iterator[list[str]]:
    cells = LineCells(kind.line_columns, reveal=True)
    # Each line's whole `data`: a key read alone (`data__base`) comes back from SQLite parsed as
    # JSON, so "6000.00" would print as 6000.0 and an ID number would turn into an integer.
    lines = application_lines(application).values_list("row", "data")
    for row, data in lines.iterator(chunk_size=LINES_READ):
        yield [str(row), *cells.row(data)]


def person_list_plan(application: Application, rows: list[ChangeRow]) -> TablePlan:
    """The batch's persons laid out on pages under the form's title, the unit, the 办件编号 and
    the application's own values (批次号, 人数)."""
    kind = application_type(application.type_code)
    return table_plan(
        title=f"{kind.form_title}人员名单",
        particulars=[
            f"单位名称：{application.unit.name}　办件编号：{application.number}",
            "　".join(f"{row.label}：{row.after}" for row in rows),
        ],
        columns=[LIST_ROW_LABEL, *(spec.label for spec in kind.line_columns)],
        rows=list(_list_rows(application, kind)),
    )


def _persons_note(persons: TablePlan, rows: list[ChangeRow]) -> str:
    carried = "、".join(["单位名称", "办件编号", *(row.label for row in rows if row.after)])
    return (
        f"人员名单：共 {len(persons.rows)} 人，见后附《{persons.title}》，共 {persons.page_count} 页，"
        f"每页载明{carried}。"
    )


def application_form_html(application: Application, *, persons: TablePlan | None = None) -> str:
    kind = application_type(application.type_code)
    unit = application.unit
    operator = application.operator
    rows = application_change_rows(application, reveal_new=True)
    return render_to_string(
        TEMPLATE,
        {
            "title": kind.form_title,
            "application": application,
            "unit": unit,
            "division": division_full_name(application.division_id) or application.division_id,
            "operator_name": operator.name if operator else "",
            "operator_mobile": mask_phone(operator.mobile) if operator else "",
            "printed_on": timezone.localdate(),
            "changes_record": kind.changes_record,
            "rows": rows,
            "entries": [] if kind.changes_record else entry_lines(rows),
            "persons_note": _persons_note(persons, rows) if persons else "",
            "footer_note": FOOTER_NOTE,
        },
    )


def application_form_pdf(application: Application) -> bytes:
    """The application's printed form as an A4 PDF, a batch's person list after it."""
    kind = application_type(application.type_code)
    if not kind.line_columns:
        return pdf_from_html(application_form_html(application), stylesheet=STYLESHEET)
    plan = person_list_plan(application, application_change_rows(application, reveal_new=True))
    form = pdf_from_html(application_form_html(application, persons=plan), stylesheet=STYLESHEET)
    return table_pages_append(form, plan)
