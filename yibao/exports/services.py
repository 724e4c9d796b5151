"""导出 as background work (issue 19): the request records an `ExportJob` and enqueues its id; the
task worker builds the spreadsheet into a local temporary file, copies it into private storage
and only then marks the job 已完成 — a worker killed on the way never leaves a job done with half
a file (see `lease` for how a lost run is taken back). The operator downloads it from the
导出记录 page for a day (`exports_cleanup`).
"""

from __future__ import annotations

import datetime
import json
import logging
import tempfile
import uuid
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from yibao.accounts.models import User
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.leases import LostRuns, lost_runs_recover
from yibao.core.masking import IdentityDisplay
from yibao.core.models import AuditEvent
from yibao.core.spreadsheets.streaming import XlsxStreamError
from yibao.core.storage import private_storage
from yibao.exports.error_codes import ExportErrorCode
from yibao.exports.kinds import ExportKind, ExportRefused, export_kind
from yibao.exports.lease import (
    INTERRUPTED,
    LeaseLost,
    expiry,
    export_job_claim,
    export_lease,
    held,
    lease_deadline,
    max_attempts,
    queued_deadline,
)
from yibao.exports.models import ExportJob
from yibao.operators.grants import grant_decide
from yibao.units.models import Unit

logger = logging.getLogger(__name__)

SUBMITTED = "导出任务已提交，生成完成后可在“导出记录”中下载"
FAILED = "导出失败，请重新导出"
NO_GRANT = "您已无该业务的办理权限，导出未完成"
SAME_PENDING = "已有相同的导出任务正在生成，请在导出记录中查看"
TOO_MANY_PENDING = "您有多个导出任务正在生成，请稍后再导出"
FOLDER = "exports"


def export_job_create(
    *,
    actor: User,
    unit: Unit,
    kind: ExportKind,
    filters: dict[str, Any],
    psn_types: tuple[str, ...] | None,
    full_identity: bool,
    download_name: str,
    origin: RequestOrigin | None = None,
) -> ExportJob:
    """导出: record the job and hand its id to the task queue once the request commits.

    Refused (ApplicationError) while the user has the same export pending in the unit — a
    double-click, an impatient second click — or YIBAO_EXPORT_PENDING_MAX exports of any kind."""
    # As stored and read back (tuples become lists), so that it compares with the pending jobs'.
    stored = json.loads(json.dumps(filters))
    populations = list(psn_types) if psn_types is not None else None
    with transaction.atomic():
        _pending_check(actor=actor, unit=unit, kind=kind, filters=stored, psn_types=populations)
        job = ExportJob.objects.create(
            unit=unit, created_by=actor, kind=kind.code, filters=stored, psn_types=populations,
            full_identity=full_identity, download_name=download_name[:120], lease_until=queued_deadline(),
            expires_at=expiry(),
        )  # fmt: skip
        audit_event_record(
            actor=actor,
            action="export_requested",
            unit=unit,
            target=job,
            after={"kind": kind.code},
            origin=origin,
        )
        transaction.on_commit(partial(export_job_enqueue, job.pk))
    return job


def pending_max() -> int:
    return int(getattr(settings, "YIBAO_EXPORT_PENDING_MAX", 3))


def _pending_check(
    *, actor: User, unit: Unit, kind: ExportKind, filters: Any, psn_types: list[str] | None
) -> None:
    """The check before a new job, race-safe: it first locks the user's row (SELECT … FOR UPDATE
    on PostgreSQL), so two requests of the same user — two clicks reaching two web nodes — check
    and create one after the other and the second sees the first's job. On SQLite the atomic
    block already starts with BEGIN IMMEDIATE (settings: transaction_mode), which serialises
    every writing transaction; select_for_update is a no-op there. A unique partial index was
    the other way, but it needs a hash column of the filters and cannot express the cap.
    Pending jobs past 保留至 (hidden from 导出记录) do not count."""
    list(User.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True))
    pending = list(
        ExportJob.objects.filter(
            unit=unit,
            created_by=actor,
            status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING],
            expires_at__gt=timezone.now(),
        ).values_list("kind", "filters", "psn_types")
    )
    if (kind.code, filters, psn_types) in pending:
        raise ApplicationError(ExportErrorCode.SAME_PENDING, SAME_PENDING)
    if len(pending) >= pending_max():
        raise ApplicationError(ExportErrorCode.TOO_MANY_PENDING, TOO_MANY_PENDING)


def export_job_enqueue(job_id: int) -> None:
    """A queue that is away (Redis down) does not fail the request: the job stays queued and
    recovery enqueues it again once its lease runs out."""
    try:
        export_run.enqueue(job_id)
    except Exception:
        logger.exception("export %s: not enqueued, recovery will retry", job_id)


def _file_delete(name: str) -> None:
    if name:
        try:
            private_storage().delete(name)
        except Exception:  # the cleanup finds it again: the job is gone, the file is not offered
            logger.exception("export file %s: not deleted", name)


@task()
def export_run(job_id: int) -> None:
    """Build one export. A refusal (too many rows, the grant withdrawn) or any other failure ends
    as 失败 with a message, never as a job that stays pending for ever."""
    job = ExportJob.objects.select_related("unit", "created_by").filter(pk=job_id).first()
    if job is None or job.status != ExportJob.Status.QUEUED:
        return
    kind = export_kind(job.kind)
    decision = grant_decide(user=job.created_by, unit_id=job.unit_id, item_code=kind.item_code)
    if not decision.allowed or decision.binding is None:
        ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.QUEUED).update(
            status=ExportJob.Status.FAILED, error=NO_GRANT, finished_at=timezone.now(), lease_until=None
        )
        return
    identity = IdentityDisplay(full=job.full_identity and decision.binding.full_identity)
    attempt = export_job_claim(job)
    if attempt is None:  # another run took it
        return
    try:
        with export_lease(job.pk, attempt):
            _run(job, kind, identity, attempt)
    except LeaseLost:
        logger.warning("export %s: lease lost, run %s dropped", job.pk, attempt)
    except (ExportRefused, XlsxStreamError) as refused:
        message = refused.message if isinstance(refused, ExportRefused) else kind.too_large
        _fail(job, attempt, message)
    except Exception:
        _fail(job, attempt, FAILED)
        raise


def _fail(job: ExportJob, attempt: int, message: str) -> None:
    name = held(job.pk, attempt).values_list("file_name", flat=True).first()
    if held(job.pk, attempt).update(
        status=ExportJob.Status.FAILED,
        error=message,
        file_name="",
        finished_at=timezone.now(),
        lease_until=None,
    ):
        _file_delete(name or "")


def _run(job: ExportJob, kind: ExportKind, identity: IdentityDisplay, attempt: int) -> None:
    """Write the workbook locally, copy it into storage under a name the job records first (so
    that recovery can delete a partial copy), then mark the job done — only while the run still
    holds it; otherwise the copy is deleted."""
    storage = private_storage()
    with tempfile.TemporaryFile(suffix=".xlsx") as local:
        rows = kind.build(job, identity, local)
        local.seek(0)
        name = f"{FOLDER}/{timezone.localdate():%Y%m%d}/{uuid.uuid4().hex}.xlsx"
        if not held(job.pk, attempt).update(file_name=name, lease_until=lease_deadline()):
            raise LeaseLost
        saved = storage.save(name, File(local, name="export.xlsx"))
    now = timezone.now()
    done = held(job.pk, attempt).update(
        status=ExportJob.Status.DONE, file_name=saved, rows=rows, full_identity=identity.full, finished_at=now,
        expires_at=expiry(now), lease_until=None,
    )  # fmt: skip
    if not done:
        _file_delete(saved)
        raise LeaseLost


def _interrupted(now: datetime.datetime) -> dict[str, Any]:
    return {"status": ExportJob.Status.FAILED, "error": INTERRUPTED, "file_name": "", "finished_at": now}


_LOST_RUNS = LostRuns(
    queued_status=ExportJob.Status.QUEUED,
    restart={"status": ExportJob.Status.QUEUED, "file_name": ""},
    ended=_interrupted,
    max_attempts=max_attempts,
    queued_deadline=queued_deadline,
    enqueue=export_job_enqueue,
    audit="export",
    discard=lambda lost: _file_delete(lost.file_name),  # what the lost run had copied
)


def exports_recover(*, job: ExportJob | None = None, queued: bool = True) -> dict[str, int]:
    """Jobs past their lease (all, or this one): a queued one is enqueued again (unless `queued`
    is false); a running one — its worker gone — is queued again from scratch while it has runs
    left (its partial file deleted), else it fails as «导出中断，请重新导出». Each change is
    conditional, so two recoveries at once act once. Returns how many were enqueued again,
    restarted and ended. A queued job's lease is the long one of `queued_deadline`."""
    statuses = [ExportJob.Status.QUEUED, ExportJob.Status.RUNNING] if queued else [ExportJob.Status.RUNNING]
    found = ExportJob.objects.filter(status__in=statuses, lease_until__lt=timezone.now()).select_related(
        "unit"
    )
    if job is not None:
        found = found.filter(pk=job.pk)
    counts = lost_runs_recover(
        found.only("pk", "unit", "status", "attempts", "lease_until", "file_name"), _LOST_RUNS
    )
    if job is not None:
        job.refresh_from_db()
    return counts


def exports_cleanup(*, now: Any = None) -> int:
    """Delete finished jobs past their 保留至 with their files; returns how many."""
    now = now or timezone.now()
    expired = ExportJob.objects.filter(
        status__in=[ExportJob.Status.DONE, ExportJob.Status.FAILED], expires_at__lt=now
    )
    count = 0
    for pk, name in expired.values_list("pk", "file_name"):
        if ExportJob.objects.filter(pk=pk).delete()[0]:
            count += 1
            _file_delete(name)
    return count


def export_download_record(*, actor: User, job: ExportJob, origin: RequestOrigin | None = None) -> AuditEvent:
    """下载: who took which export of the unit out of the hall, and whether the numbers were in
    full — the event the export in the request wrote before, with the job and its rows."""
    after = {key: value for key, value in job.filters.items() if key != "query"}
    after |= {"full_identity": job.full_identity, "job": job.pk, "rows": job.rows}
    return audit_event_record(
        actor=actor, action=export_kind(job.kind).audit_action, unit=job.unit, target=job, after=after,
        origin=origin,
    )  # fmt: skip
