"""The running worker's hold on an export job: a heartbeat thread pushes `lease_until` forward
while the run lasts (as yibao.enrollment.batch_lease does for imports). A worker that dies stops
renewing; past its lease the job is taken back by `exports_recover` and run again from scratch,
up to YIBAO_EXPORT_ATTEMPTS runs, then fails as «导出中断，请重新导出»."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db.models import F, QuerySet
from django.utils import timezone

from yibao.core.leases import Heartbeat
from yibao.exports.models import ExportJob

logger = logging.getLogger(__name__)

INTERRUPTED = "导出中断，请重新导出"


class LeaseLost(Exception):
    """The run no longer holds its job (recovery gave it to another run or ended it)."""


def lease_seconds() -> float:
    return float(getattr(settings, "YIBAO_EXPORT_LEASE_SECONDS", 120))


def queued_lease_seconds() -> float:
    """How long a job may wait in the queue before recovery enqueues it again. Much longer than a
    run's lease: a queued job has no worker to renew it, and in a backlogged queue it is merely
    waiting its turn — enqueued again every run lease, it would add a duplicate task each time
    (harmless, `export_run` takes only a queued job, but it lengthens the backlog). Its only
    purpose is the enqueue that never reached the queue (Redis away)."""
    return float(getattr(settings, "YIBAO_EXPORT_QUEUED_LEASE_SECONDS", 900))


def max_attempts() -> int:
    return int(getattr(settings, "YIBAO_EXPORT_ATTEMPTS", 2))


def keep_hours() -> float:
    return float(getattr(settings, "YIBAO_EXPORT_KEEP_HOURS", 24))


def lease_deadline(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) + datetime.timedelta(seconds=lease_seconds())


def queued_deadline(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) + datetime.timedelta(seconds=queued_lease_seconds())


def expiry(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) + datetime.timedelta(hours=keep_hours())


def run_lost(job: ExportJob, now: datetime.datetime | None = None) -> bool:
    """A running job whose worker stopped renewing its lease."""
    return (
        job.status == ExportJob.Status.RUNNING
        and job.lease_until is not None
        and job.lease_until < (now or timezone.now())
    )


def held(job_id: int, attempt: int) -> QuerySet[ExportJob]:
    """The job, as long as this run holds it."""
    return ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING, attempts=attempt)


def export_job_claim(job: ExportJob) -> int | None:
    """Take a queued job for this run: its attempt number, or None when another run has it."""
    taken = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, attempts=F("attempts") + 1, lease_until=lease_deadline(), error=""
    )
    if not taken:
        return None
    job.refresh_from_db(fields=["status", "attempts", "lease_until", "error"])
    return job.attempts


def export_lease(job_id: int, attempt: int) -> Heartbeat:
    """The running worker's hold on one export: a heartbeat renews its lease until the block ends."""
    return Heartbeat(
        lambda: bool(held(job_id, attempt).update(lease_until=lease_deadline())),
        interval=max(lease_seconds() / 6, 0.2),
        name=f"export-lease-{job_id}",
    )
