"""Batch files (批量参保登记, 批量文件中断): a file is stored, then read and checked by the task
worker with its progress on the page; its rows become the line items (one per person) of a batch
application, which the operator prints, stamps, uploads and saves like any other; approval
applies every row at once.

Each kind of file is a `BatchFlow`: its application type, layout, reader, validation and how a
row is kept as line data. 批量参保登记's flow is here; 批量文件中断's in `interruption_batch`.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from yibao.accounts.models import User
from yibao.cases.models import Application, LineItem
from yibao.cases.services import Line, application_lines_store, operator_check
from yibao.cases.types import ApplicationType, FieldSpec, MaterialSpec, application_type_register
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.leases import LostRuns, lost_runs_recover
from yibao.core.spreadsheets.cells import Problem, problems_text
from yibao.core.spreadsheets.failures import failures_xlsx
from yibao.core.spreadsheets.layout import SheetLayout
from yibao.core.spreadsheets.reader import SheetRead, SheetRow, gc_paused
from yibao.enrollment.batch import batch_apply, batch_validate
from yibao.enrollment.batch_lease import (
    INTERRUPTED,
    LeaseLost,
    batch_import_claim,
    batch_lease,
    held,
    lease_deadline,
    max_attempts,
)
from yibao.enrollment.error_codes import EnrollmentErrorCode
from yibao.enrollment.models import BatchImport
from yibao.enrollment.pending import ENROLLMENT_BATCH, pending_batch_refusal, pending_enrollments
from yibao.enrollment.rules import EnrollmentRow, parse_base
from yibao.enrollment.scope import PersonScope
from yibao.enrollment.sheets import LAYOUT as ENROLLMENT_LAYOUT
from yibao.enrollment.sheets import EnrollmentSheetRow, read_enrollment_file
from yibao.units.models import Unit

LINES_PER_WRITE = 2_000

logger = logging.getLogger(__name__)


def max_rows() -> int:
    return int(getattr(settings, "YIBAO_BATCH_MAX_ROWS", 50_000))


@dataclass(frozen=True)
class BatchFlow:
    kind: str  # BatchImport.Kind
    application_type: ApplicationType
    layout: SheetLayout
    read: Callable[..., SheetRead[Any]]  # (data, *, max_rows)
    validate: Callable[[PersonScope, list[SheetRow[Any]], datetime.date], tuple[list[Any], list[Any]]]
    to_data: Callable[[SheetRow[Any]], dict[str, Any]]


FLOWS: dict[str, BatchFlow] = {}


def batch_flow_register(flow: BatchFlow) -> BatchFlow:
    FLOWS[flow.kind] = flow
    return flow


def row_to_data(row: EnrollmentSheetRow) -> dict[str, Any]:
    data = row.data
    return {
        "cert_type": data.cert_type,
        "cert_no": data.cert_no,
        "name": data.name,
        "gender": data.gender,
        "birth_date": data.birth_date.isoformat() if data.birth_date else "",
        "nation": data.nation,
        "nationality": data.nationality,
        "mobile": data.mobile,
        "address": data.address,
        "first_work_date": data.first_work_date.isoformat() if data.first_work_date else "",
        "psn_type": data.psn_type,
        "emp_form": data.emp_form,
        "insutypes": list(data.insutypes),
        "start_date": data.start_date.isoformat() if data.start_date else "",
        "base": str(data.base) if data.base is not None else "",
        "cells": list(row.cells),
        "problems": [[p.column, p.message] for p in row.problems],
    }


def data_to_row(data: dict[str, Any]) -> EnrollmentRow:
    def day(value: str) -> datetime.date | None:
        return datetime.date.fromisoformat(value) if value else None

    return EnrollmentRow(
        cert_type=data["cert_type"],
        cert_no=data["cert_no"],
        name=data["name"],
        gender=data["gender"],
        birth_date=day(data["birth_date"]),
        nation=data["nation"],
        nationality=data["nationality"],
        mobile=data["mobile"],
        address=data["address"],
        first_work_date=day(data["first_work_date"]),
        psn_type=data["psn_type"],
        emp_form=data["emp_form"],
        insutypes=tuple(data["insutypes"]),
        start_date=day(data["start_date"]),
        base=parse_base(data["base"]) if data["base"] else None,
    )


def _lines(application: Application, *, failed: bool | None = None) -> Iterator[LineItem]:
    lines = LineItem.objects.filter(application=application).order_by("row")
    if failed is True:
        lines = lines.exclude(error="")
    elif failed is False:
        lines = lines.filter(error="")
    return lines.iterator(chunk_size=LINES_PER_WRITE)


def batch_apply_application(application: Application) -> None:
    """Approval of a batch: every line enrolled with the unit in one go (set-based)."""
    rows = [data_to_row(line.data) for line in _lines(application, failed=False)]
    if LineItem.objects.filter(application=application).exclude(error="").exists():
        raise ApplicationError(EnrollmentErrorCode.REFUSED, "批量登记中仍有校验失败的人员，不能通过")
    starts = [r.start_date for r in rows if r.start_date]
    batch_apply(unit=application.unit, rows=rows, application=application, effective_date=min(starts))


def batch_current(unit: Unit) -> dict[str, Any]:
    return {}


def _batch_checker(
    pending: Callable[[Unit, Application], str],
) -> Callable[[Unit, dict[str, Any]], list[str]]:
    """A batch application's `check`: its file was read and every row passed, and — once the lines
    are stored — none of its persons is in another of the unit's pending applications of the kind
    (`pending` says why, or "")."""

    def check(unit: Unit, payload: dict[str, Any]) -> list[str]:
        batch = BatchImport.objects.filter(pk=int(payload.get("batch") or 0), unit=unit).first()
        if batch is None or batch.status != BatchImport.Status.DONE:
            return ["请先批量导入人员文件并等待校验完成"]
        if batch.failed:
            return [
                f"校验失败列表中还有{batch.failed}人，请导出失败数据修改后重新导入，全部校验通过后才能继续"
            ]
        if not batch.passed:
            return ["文件中没有可办理的人员"]
        if batch.application is not None:
            refusal = pending(unit, batch.application)
            if refusal:
                return [refusal]
        return []

    return check


def _pending_enrollments(unit: Unit, application: Application) -> str:
    keys = {
        (str(data.get("cert_type", "")), str(data.get("cert_no", ""))): str(data.get("name", ""))
        for data in LineItem.objects.filter(application=application, error="").values_list("data", flat=True)
    }
    held = pending_enrollments(unit, keys)
    return pending_batch_refusal([keys[key] for key in keys if key in held], "职工参保登记") if held else ""


def batch_shown(value: Any) -> str:
    """How a batch application's `batch` reads: the import's 批次号 and file name."""
    batch = BatchImport.objects.filter(pk=int(value or 0)).only("pk", "created_at", "original_name").first()
    if batch is None:
        return "—"
    return f"{batch.number}（{batch.original_name}）" if batch.original_name else batch.number


ENROLLMENT_LINE_COLUMNS = (
    FieldSpec("name", "姓名"),
    FieldSpec("cert_type", "证件类型"),
    FieldSpec("cert_no", "证件号码"),
    FieldSpec("gender", "性别"),
    FieldSpec("psn_type", "人员类别"),
    FieldSpec("emp_form", "用工形式"),
    FieldSpec("insutypes", "险种"),
    FieldSpec("start_date", "参保日期"),
    FieldSpec("base", "月缴费基数"),
)


def batch_application_type(
    *,
    code: str,
    name: str,
    item_code: str,
    form_page: str,
    count_label: str,
    form_name: str,
    apply: Callable[[Application], None],
    pending: Callable[[Unit, Application], str],
    line_columns: tuple[FieldSpec, ...],
) -> ApplicationType:
    """Register the application of a kind of batch file: it names its import (批次号) and how many
    persons it holds, lists them (`line_columns` of its line items), goes on only when every row
    passed and none of its persons is pending in another application of the kind (`pending`), and
    needs the printed form stamped."""
    return application_type_register(
        ApplicationType(
            code=code,
            name=name,
            item_code=item_code,
            form_page=form_page,
            fields=(
                FieldSpec("batch", "批次号", editable=True, shown=batch_shown),
                FieldSpec("count", count_label, editable=True),
            ),
            changes_record=False,
            line_columns=line_columns,
            current=batch_current,
            apply=apply,
            check=_batch_checker(pending),
            printed_form=True,
            requires_change=False,
            materials=(
                MaterialSpec("stamped-form", form_name, note="打印报表后加盖单位公章，扫描或拍照上传"),
            ),
            open_statuses=frozenset({"draft", "returned"}),  # the next file may be prepared meanwhile
        )
    )


EMPLOYEE_ENROLLMENT_BATCH = batch_application_type(
    code=ENROLLMENT_BATCH,
    name="职工参保登记（批量）",
    item_code="employee-enrollment",
    form_page="enrollment:enroll-batch",
    count_label="登记人数",
    form_name="职工参保登记表（批量）",
    apply=batch_apply_application,
    pending=_pending_enrollments,
    line_columns=ENROLLMENT_LINE_COLUMNS,
)


def _enrollment_validate(
    scope: PersonScope, rows: list[SheetRow[Any]], today: datetime.date
) -> tuple[list[Any], list[Any]]:
    result = batch_validate(unit=scope.unit, rows=rows, today=today, scope=scope)
    return result.passed, result.failed


ENROLLMENT_FLOW = batch_flow_register(
    BatchFlow(
        kind=BatchImport.Kind.ENROLLMENT,
        application_type=EMPLOYEE_ENROLLMENT_BATCH,
        layout=ENROLLMENT_LAYOUT,
        read=read_enrollment_file,
        validate=_enrollment_validate,
        to_data=row_to_data,
    )
)


def batch_import_start(
    *,
    unit: Unit,
    actor: User,
    data: bytes,
    original_name: str,
    origin: RequestOrigin,
    flow: BatchFlow = ENROLLMENT_FLOW,
    psn_types: tuple[str, ...] | None = None,
) -> BatchImport:
    """批量导入: keep the file privately, then let the worker read and check it."""
    operator_check(user=actor, unit=unit, kind=flow.application_type)
    with transaction.atomic():
        batch = BatchImport(
            unit=unit, kind=flow.kind, created_by=actor, original_name=original_name[:200],
            psn_types=list(psn_types) if psn_types is not None else None, lease_until=lease_deadline(),
        )  # fmt: skip
        batch.file.save("import.xlsx", ContentFile(data), save=False)
        batch.save()
        audit_event_record(actor=actor, action="batch_import_started", unit=unit, target=batch, origin=origin)
        transaction.on_commit(lambda: batch_import_enqueue(batch.pk))
    return batch


def batch_import_enqueue(batch_id: int) -> None:
    """Hand the import to the task queue. A queue that is away (Redis down) does not fail the
    upload: the import stays queued and recovery enqueues it again once its lease runs out."""
    try:
        batch_import_run.enqueue(batch_id)
    except Exception:
        logger.exception("batch import %s: not enqueued, recovery will retry", batch_id)


def _actor_refusal(batch: BatchImport, flow: BatchFlow) -> str:
    """Why the operator who started the import may no longer have it run; "" when they may."""
    if batch.created_by is None:
        return "导入人已不存在，请重新导入"
    try:
        operator_check(user=batch.created_by, unit=batch.unit, kind=flow.application_type)
    except ApplicationError as refused:
        return refused.message
    return ""


@task()
def batch_import_run(batch_id: int) -> None:
    """Read, check and store one import; a file or worker failure ends as 文件无法导入 with a
    message, never as a page that spins for ever."""
    batch = BatchImport.objects.select_related("unit", "created_by").filter(pk=batch_id).first()
    if batch is None or batch.status != BatchImport.Status.QUEUED:
        return
    flow = FLOWS[batch.kind]
    refusal = _actor_refusal(batch, flow)
    if refusal:  # the binding, grant or the unit's role was withdrawn after the upload
        BatchImport.objects.filter(pk=batch.pk, status=BatchImport.Status.QUEUED).update(
            status=BatchImport.Status.REFUSED, error=refusal, finished_at=timezone.now(), lease_until=None
        )
        return
    attempt = batch_import_claim(batch)
    if attempt is None:  # another run took it
        return
    try:
        with batch_lease(batch.pk, attempt):
            _run(batch, flow, attempt)
    except LeaseLost:
        logger.warning("batch import %s: lease lost, run %s rolled back", batch.pk, attempt)
    except Exception:
        held(batch.pk, attempt).update(
            status=BatchImport.Status.REFUSED, error="文件处理失败，请检查文件后重新导入",
            finished_at=timezone.now(), lease_until=None,
        )  # fmt: skip
        raise


def _interrupted(now: datetime.datetime) -> dict[str, Any]:
    return {"status": BatchImport.Status.REFUSED, "error": INTERRUPTED, "stage": "", "finished_at": now}


_LOST_RUNS = LostRuns(
    queued_status=BatchImport.Status.QUEUED,
    restart={"status": BatchImport.Status.QUEUED, "stage": "", "rows_done": 0},
    ended=_interrupted,
    max_attempts=max_attempts,
    queued_deadline=lease_deadline,
    enqueue=batch_import_enqueue,
    audit="batch_import",
)


def batch_imports_recover(*, batch: BatchImport | None = None) -> dict[str, int]:
    """Imports past their lease (all of them, or this one): a queued one is enqueued again, a
    running one — its worker gone — is queued again from scratch while it has runs left, else it
    ends as «导入中断，请重新导入». Each change is conditional, so two recoveries at once (two web
    nodes, a node and cron) act once. Returns how many were enqueued again, restarted and ended."""
    found = BatchImport.objects.filter(
        status__in=[BatchImport.Status.QUEUED, BatchImport.Status.RUNNING], lease_until__lt=timezone.now()
    ).select_related("unit")
    if batch is not None:
        found = found.filter(pk=batch.pk)
    counts = lost_runs_recover(found.only("pk", "unit", "status", "attempts", "lease_until"), _LOST_RUNS)
    if batch is not None:
        batch.refresh_from_db()
    return counts


def _held_progress(batch: BatchImport, attempt: int, **fields: Any) -> None:
    """Report a stage while the run holds the import; LeaseLost once it does not."""
    if not held(batch.pk, attempt).update(**fields):
        raise LeaseLost
    for name, value in fields.items():
        setattr(batch, name, value)


def _run(batch: BatchImport, flow: BatchFlow, attempt: int) -> None:
    """One run: read, check, store; everything it stores is written in one transaction."""
    with batch.file.open("rb") as handle:
        read = flow.read(handle.read(), max_rows=max_rows())
    if not read.ok:
        held(batch.pk, attempt).update(
            status=BatchImport.Status.REFUSED, error=read.error, finished_at=timezone.now(), lease_until=None
        )
        return
    _held_progress(batch, attempt, stage="校验人员信息", rows_total=len(read.rows))
    scope = PersonScope(
        unit=batch.unit, psn_types=None if batch.psn_types is None else tuple(batch.psn_types)
    )
    passed, failed = flow.validate(scope, read.rows, timezone.localdate())
    _held_progress(batch, attempt, stage="保存校验结果", rows_done=len(read.rows) // 2)
    with gc_paused():  # 50,000 line items of small acyclic objects (see `gc_paused`)
        _store(batch, flow, passed, failed, attempt)


def _store(
    batch: BatchImport,
    flow: BatchFlow,
    passed: list[SheetRow[Any]],
    failed: list[SheetRow[Any]],
    attempt: int,
) -> None:
    """The import's result and its lines in one transaction: all of them or, when the worker dies
    or the run lost its lease meanwhile, none. The result is written first (the application's
    checks read it), which also proves the run still holds the import."""
    actor = batch.created_by
    assert actor is not None  # noqa: S101 - checked by _actor_refusal
    rows = sorted(passed + failed, key=lambda r: r.row)
    lines = (Line(row=r.row, data=flow.to_data(r), error=problems_text(r.problems)) for r in rows)
    with transaction.atomic():
        _held_progress(batch, attempt, passed=len(passed), failed=len(failed), status=BatchImport.Status.DONE)
        application = application_lines_store(
            kind=flow.application_type,
            unit=batch.unit,
            actor=actor,
            payload={"batch": batch.pk, "count": len(passed)},
            lines=lines,
            failed=len(failed),
        )
        done = {
            "application": application,
            "finished_at": timezone.now(),
            "stage": "",
            "rows_done": len(rows),
        }
        BatchImport.objects.filter(pk=batch.pk).update(**done, lease_until=None)
        for name, value in done.items():
            setattr(batch, name, value)


def batch_failures_xlsx(batch: BatchImport) -> bytes:
    """导出失败数据: the failed rows as written, with 错误原因."""
    layout = FLOWS[batch.kind].layout
    if batch.application is None:
        return failures_xlsx(layout, [])
    return failures_xlsx(
        layout,
        (
            SheetRow(
                row=line.row,
                data=None,
                cells=tuple(line.data.get("cells", [])),
                problems=[Problem(column, message) for column, message in line.data.get("problems", [])],
            )
            for line in _lines(batch.application, failed=True)
        ),
    )
