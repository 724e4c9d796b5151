"""Leases of batch imports: a worker that dies never leaves an import half stored or spinning.

An import stores its rows in one transaction (`batch_import._store`), so a worker killed in the
middle (SIGKILL, the OOM killer, a lost machine, a deploy that did not wait) stores nothing — but
its import would stay 校验中 for ever, since neither task backend tells the import: the database
queue has no notion of a dead worker, and RQ only moves the job of a killed work-horse to its
failed registry. So every import carries a lease (`BatchImport.lease_until`):

- queued: the task should start before the lease runs out; if it did not (the queue lost it, or
  Redis was down at the upload and the enqueue failed), the import is enqueued again;
- running: the worker claims the import (QUEUED → RUNNING, `attempts` + 1) and a heartbeat
  thread, on its own database connection, pushes the lease forward every few seconds (while the
  final transaction holds the import's row it waits, which the lease's length allows for);
- past its lease, a running import is queued again from scratch, up to
  YIBAO_BATCH_IMPORT_ATTEMPTS runs, and then ends as «导入中断，请重新导入».

The run's final write is conditional on still holding the lease (status RUNNING, the same attempt):
a worker that was only slow and lost its lease rolls its work back instead of storing twice.

Recovery (`batch_import.batch_imports_recover`) runs when the progress page shows an import past
its lease, from `manage.py batch_imports_recover` when a worker starts (`scripts/run_hall.sh`)
and from cron.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db.models import F, QuerySet
from django.utils import timezone

from yibao.core.leases import Heartbeat
from yibao.enrollment.models import BatchImport

logger = logging.getLogger(__name__)

INTERRUPTED = "导入中断，请重新导入"


class LeaseLost(Exception):
    """The run no longer holds its import (recovery gave it to another run or ended it)."""


def lease_seconds() -> float:
    return float(getattr(settings, "YIBAO_BATCH_LEASE_SECONDS", 120))


def max_attempts() -> int:
    return int(getattr(settings, "YIBAO_BATCH_IMPORT_ATTEMPTS", 2))


def lease_deadline(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) + datetime.timedelta(seconds=lease_seconds())


def lease_expired(batch: BatchImport, now: datetime.datetime | None = None) -> bool:
    """Queued or running, and nobody renewed its lease in time."""
    return (
        batch.status in {BatchImport.Status.QUEUED, BatchImport.Status.RUNNING}
        and batch.lease_until is not None
        and batch.lease_until < (now or timezone.now())
    )


def held(batch_id: int, attempt: int) -> QuerySet[BatchImport]:
    """The import, as long as this run holds it."""
    return BatchImport.objects.filter(pk=batch_id, status=BatchImport.Status.RUNNING, attempts=attempt)


def batch_import_claim(batch: BatchImport) -> int | None:
    """Take a queued import for this run: its attempt number, or None when another run has it
    (a task enqueued twice runs once)."""
    taken = BatchImport.objects.filter(pk=batch.pk, status=BatchImport.Status.QUEUED).update(
        status=BatchImport.Status.RUNNING,
        attempts=F("attempts") + 1,
        lease_until=lease_deadline(),
        stage="读取文件",
        rows_done=0,
        rows_total=0,
        error="",
    )
    if not taken:
        return None
    batch.refresh_from_db(fields=["status", "attempts", "lease_until", "stage", "rows_done", "rows_total"])
    return batch.attempts


def batch_lease(batch_id: int, attempt: int) -> Heartbeat:
    """The running worker's hold on one import: a heartbeat renews its lease until the block
    ends (`lost` once another run has it)."""
    return Heartbeat(
        lambda: bool(held(batch_id, attempt).update(lease_until=lease_deadline())),
        interval=max(lease_seconds() / 6, 0.2),
        name=f"batch-lease-{batch_id}",
    )
