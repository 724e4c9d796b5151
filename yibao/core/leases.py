"""Leases of background runs (a batch import, an export): the heartbeat that holds one, and the
recovery of the runs whose lease ran out.

A run that holds a row for a while (status RUNNING, `lease_until` ahead) renews the lease from a
thread of its own, on that thread's own database connection, every `interval` seconds until the
block ends. A worker that dies stops renewing; past the lease, recovery takes the row back. The
renewal is the caller's conditional UPDATE (`renew`: still held by this run?): once it finds the
row taken over, `lost` is set and the beat stops — the run finds out at its next conditional
write. Inside an open transaction (the tests' immediate task backend) there is no heartbeat:
another connection could not see the row, and the run ends before any lease could.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from types import TracebackType
from typing import Any, Self

from django.db import DatabaseError, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from yibao.core.audit import audit_event_record

logger = logging.getLogger(__name__)


class Heartbeat:
    def __init__(self, renew: Callable[[], bool], *, interval: float, name: str) -> None:
        self.renew = renew
        self.interval = interval
        self.name = name
        self.lost = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Self:
        if not transaction.get_connection().in_atomic_block:
            self._thread = threading.Thread(target=self._beat, name=self.name, daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    renewed = self.renew()
                except DatabaseError:  # the database away for a moment: the lease allows for it
                    logger.warning("%s: lease not renewed", self.name, exc_info=True)
                    continue
                if not renewed:
                    self.lost = True
                    return
        finally:
            connections.close_all()  # this thread's own connections


@dataclass(frozen=True)
class LostRuns:
    """How one kind of leased job (a batch import, an export) is taken back once its lease ran out.

    - queued (`queued_status`: the task never started): its lease moves to `queued_deadline` and
      the job is handed to `enqueue` again;
    - running (its worker gone), with fewer than `max_attempts()` runs: `restart` is written (queued
      again from scratch, with a lease of `queued_deadline`) and it is enqueued;
    - running with its runs used up: `ended` is written (ended with a message).
    `discard` (on commit) removes what a lost run left (a partial file); `audit` names the events
    `<audit>_restarted` and `<audit>_interrupted`."""

    queued_status: str
    restart: dict[str, Any]
    ended: Callable[[datetime.datetime], dict[str, Any]]
    max_attempts: Callable[[], int]  # read when recovering (a setting)
    queued_deadline: Callable[[datetime.datetime], datetime.datetime]
    enqueue: Callable[[int], None]
    audit: str
    discard: Callable[[Any], None] | None = None


def lost_runs_recover(found: QuerySet[Any], how: LostRuns) -> dict[str, int]:
    """Take back the jobs of `found` (those past their lease). Each change is conditional on the
    job being as it was read, so two recoveries at once (two web nodes, a node and cron) act once.
    Returns how many were enqueued again, restarted and ended."""
    now = timezone.now()
    counts = {"enqueued": 0, "restarted": 0, "interrupted": 0}
    for lost in found:
        same = found.model.objects.filter(
            pk=lost.pk, status=lost.status, attempts=lost.attempts, lease_until=lost.lease_until
        )
        with transaction.atomic():
            if lost.status == how.queued_status:
                if same.update(lease_until=how.queued_deadline(now)):
                    counts["enqueued"] += 1
                    transaction.on_commit(partial(how.enqueue, lost.pk))
                continue
            restart = lost.attempts < how.max_attempts()
            if restart:
                changed = same.update(**how.restart, lease_until=how.queued_deadline(now))
            else:
                changed = same.update(**how.ended(now), lease_until=None)
            if not changed:
                continue
            outcome = "restarted" if restart else "interrupted"
            counts[outcome] += 1
            audit_event_record(
                actor=None, action=f"{how.audit}_{outcome}", unit=lost.unit, target=lost,
                after={"attempts": lost.attempts},
            )  # fmt: skip
            if how.discard is not None:
                transaction.on_commit(partial(how.discard, lost))
            if restart:
                transaction.on_commit(partial(how.enqueue, lost.pk))
    return counts
