"""职工中断参保 — 批量文件中断: the rules for a whole file, checked against the records in sets,
and applying an approved batch (Henan manual 004, 经办服务).

The rules are those of 少量中断 (`interruption.py`): only persons actively insured with this
unit, a 中断日期 within the profile's window and not before the person's 参保日期; a file adds
that the 姓名 must match the person of the 证件号码 and that one person appears once.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from yibao.cases.models import Application, LineItem
from yibao.cases.types import FieldSpec
from yibao.core.bulk import BulkWriter, bulk_write
from yibao.core.errors import ApplicationError
from yibao.core.spreadsheets.cells import Problem
from yibao.core.spreadsheets.reader import SheetRow
from yibao.enrollment.batch import CHANGE_FIELDS
from yibao.enrollment.batch_import import BatchFlow, batch_application_type, batch_flow_register
from yibao.enrollment.error_codes import EnrollmentErrorCode
from yibao.enrollment.interruption import InterruptionReason, pause_from, reason_label
from yibao.enrollment.interruption_sheets import (
    LAYOUT,
    InterruptionRow,
    InterruptionSheetRow,
    read_interruption_file,
)
from yibao.enrollment.models import BatchImport, Insurance, PersonnelChange
from yibao.enrollment.pending import (
    INTERRUPTION_BATCH,
    pending_batch_refusal,
    pending_interruption_problem,
    pending_interruptions,
)
from yibao.enrollment.policies import interruption_window
from yibao.enrollment.rules import BATCH, duplicate_rows
from yibao.enrollment.scope import PersonScope
from yibao.units.models import Unit

NOT_INSURED = "该人员不是本单位正常参保人员，不能中断"
NAME_MISMATCH = "姓名与证件号码登记的姓名不一致，请核对"


@dataclass(frozen=True, slots=True)
class Held:
    """A person's active insurance relations with the unit, as the validation needs them."""

    person_id: int
    name: str
    start: datetime.date  # the latest 参保日期 of them
    pause_date: datetime.date | None = None  # a pause already approved (中断参保 办理过)


def _held(scope: PersonScope, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Held]:
    """(证件类型, 证件号码) → Held, for the persons in scope actively insured with the unit; one
    query per BATCH numbers."""
    wanted = sorted(set(keys))
    found: dict[tuple[str, str], Held] = {}
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        rows = (
            scope.insurances([Insurance.Status.ACTIVE]).filter(person__cert_no__in=[no for _, no in chunk])
        ).values_list(
            "person_id", "person__cert_type", "person__cert_no", "person__name", "start_date", "pause_date"
        )
        for person_id, cert_type, cert_no, name, begun, due in rows:
            key = (cert_type, cert_no)
            earlier = found.get(key)
            if earlier is None or begun > earlier.start:
                found[key] = Held(person_id, name, begun, due or (earlier.pause_date if earlier else None))
            elif due is not None:
                found[key] = Held(earlier.person_id, earlier.name, earlier.start, due)
    return found


def interruption_batch_validate(
    scope: PersonScope, rows: Sequence[SheetRow[Any]], today: datetime.date
) -> tuple[list[InterruptionSheetRow], list[InterruptionSheetRow]]:
    """校验成功列表 and 校验失败列表: every rule, each row's problems added to its parsing ones."""
    earliest, latest = interruption_window(today)
    last = max((r.row for r in rows), default=1)
    keys: list[tuple[str, str] | None] = [None] * max(last - 1, 0)
    for sheet_row in rows:
        data: InterruptionRow = sheet_row.data
        if data.cert_type and data.cert_no:
            keys[sheet_row.row - 2] = (data.cert_type, data.cert_no)
    by_row = {r.row: r for r in rows}
    for index, problem in duplicate_rows(keys).items():
        by_row[index + 2].problems.append(problem)

    held = _held(scope, (key for key in keys if key is not None))
    pending = pending_interruptions(scope.unit, (h.person_id for h in held.values()))
    passed: list[InterruptionSheetRow] = []
    failed: list[InterruptionSheetRow] = []
    for sheet_row in rows:
        data = sheet_row.data
        said = {p.column for p in sheet_row.problems}
        if data.pause_date and "中断日期" not in said and not earliest <= data.pause_date <= latest:
            sheet_row.problems.append(
                Problem(
                    "中断日期",
                    f"中断日期须在{earliest:%Y-%m-%d}至{latest:%Y-%m-%d}之间，更早的中断请到医保经办机构办理",
                )
            )
        if data.cert_type and data.cert_no and "证件号码" not in said:
            person = held.get((data.cert_type, data.cert_no))
            if person is None:
                sheet_row.problems.append(Problem("证件号码", NOT_INSURED))
            else:
                data.person_id = person.person_id
                if person.pause_date is not None:
                    sheet_row.problems.append(
                        Problem(
                            "证件号码",
                            f"该人员已办理中断参保（中断日期 {person.pause_date:%Y-%m-%d}），不能重复中断",
                        )
                    )
                elif person.person_id in pending:
                    sheet_row.problems.append(
                        Problem("证件号码", pending_interruption_problem(pending[person.person_id]))
                    )
                if data.name and data.name != person.name:
                    sheet_row.problems.append(Problem("姓名", NAME_MISMATCH))
                if data.pause_date and data.pause_date < person.start:
                    sheet_row.problems.append(
                        Problem(
                            "中断日期", f"该人员参保日期为{person.start:%Y-%m-%d}，中断日期不能早于参保日期"
                        )
                    )
        (failed if sheet_row.problems else passed).append(sheet_row)
    return passed, failed


def row_to_data(row: SheetRow[Any]) -> dict[str, Any]:
    data: InterruptionRow = row.data
    return {
        "person_id": data.person_id,
        "cert_type": data.cert_type,
        "cert_no": data.cert_no,
        "name": data.name,
        "reason": data.reason,
        "pause_date": data.pause_date.isoformat() if data.pause_date else "",
        "cells": list(row.cells),
        "problems": [[p.column, p.message] for p in row.problems],
    }


def interruption_batch_apply(application: Application) -> None:
    """Approval: pause every listed person's active insurances in the unit with the row's date and
    write one 减员 per person, inside the review's transaction. The records are checked again:
    a person no longer actively insured here (or a date now before the 参保日期) refuses it all."""
    if LineItem.objects.filter(application=application).exclude(error="").exists():
        raise ApplicationError(EnrollmentErrorCode.REFUSED, "批量中断中仍有校验失败的人员，不能通过")
    lines = [
        line.data
        for line in LineItem.objects.filter(application=application, error="").order_by("row").only("data")
    ]
    if not lines:
        raise ApplicationError(EnrollmentErrorCode.NONE_CHOSEN, "批量中断中没有人员")
    wanted = {int(data["person_id"]): data for data in lines}
    held: dict[int, list[Insurance]] = defaultdict(list)
    ids = sorted(wanted)
    for start in range(0, len(ids), BATCH):
        rows = Insurance.objects.select_for_update().filter(
            unit=application.unit,
            status=Insurance.Status.ACTIVE,
            pause_date__isnull=True,
            person_id__in=ids[start : start + BATCH],
        )
        for insurance in rows.only("pk", "person_id", "insutype", "start_date"):
            held[insurance.person_id].append(insurance)
    gone = [data["name"] for person_id, data in wanted.items() if person_id not in held]
    if gone:
        raise ApplicationError(
            EnrollmentErrorCode.NOT_ACTIVE,
            f"{'、'.join(gone[:5])}{'等' if len(gone) > 5 else ''}已不是本单位正常参保人员，请退回单位重新办理",
        )
    by_date: dict[datetime.date, list[int]] = defaultdict(list)
    changes: list[tuple[Any, ...]] = []
    for person_id, data in wanted.items():
        pause_date = datetime.date.fromisoformat(data["pause_date"])
        insurances = held[person_id]
        if pause_date < max(i.start_date for i in insurances):
            raise ApplicationError(
                EnrollmentErrorCode.DATE_BEFORE_START, f"{data['name']}的中断日期早于参保日期，请退回单位修改"
            )
        by_date[pause_date].extend(i.pk for i in insurances)
        detail = {"reason": data["reason"], "reason_label": InterruptionReason(data["reason"]).label}
        insutypes = ",".join(sorted(i.insutype for i in insurances))
        changes.append((application.unit_id, person_id, PersonnelChange.Kind.REMOVE.value, insutypes, pause_date,
                        application.pk, detail))  # fmt: skip
    now, today = timezone.now(), timezone.localdate()
    for pause_date, pks in by_date.items():
        pause_from(pks, pause_date=pause_date, today=today)
    bulk_write(
        BulkWriter.for_connection(connection),
        PersonnelChange,
        CHANGE_FIELDS,
        ((*change, now) for change in changes),
    )


def _pending_interruptions(unit: Unit, application: Application) -> str:
    names = dict(
        LineItem.objects.filter(application=application, error="").values_list(
            "data__person_id", "data__name"
        )
    )
    held = pending_interruptions(unit, (int(i) for i in names))
    return pending_batch_refusal([names[i] for i in names if int(i) in held], "职工中断参保") if held else ""


EMPLOYEE_INTERRUPTION_BATCH = batch_application_type(
    code=INTERRUPTION_BATCH,
    name="职工中断参保（批量）",
    item_code="employee-interruption",
    form_page="enrollment:interruption-batch",
    count_label="中断人数",
    form_name="职工中断参保申报表（批量）",
    apply=interruption_batch_apply,
    pending=_pending_interruptions,
    line_columns=(
        FieldSpec("name", "姓名"),
        FieldSpec("cert_type", "证件类型"),
        FieldSpec("cert_no", "证件号码"),
        FieldSpec("reason", "中断原因", shown=reason_label),
        FieldSpec("pause_date", "中断日期"),
    ),
)


INTERRUPTION_FLOW = batch_flow_register(
    BatchFlow(
        kind=BatchImport.Kind.INTERRUPTION,
        application_type=EMPLOYEE_INTERRUPTION_BATCH,
        layout=LAYOUT,
        read=read_interruption_file,
        validate=interruption_batch_validate,
        to_data=row_to_data,
    )
)
