"""An insurance relation's 参保状态 on a given day: effective-dated pauses (职工中断参保 with a
future 中断日期).

An approved interruption dated later than the approval keeps the relation 正常参保 and records its
`pause_date`; on that date it is 暂停参保. Two things make that true:

- every reader asks for the status *as of a day* (`in_force`, `paused_by`, `status_now`,
  `status_on`), computed from the stored status and the date, so a page, a count or a certificate
  is right on the date whether or not the job below has run;
- `pauses_due_apply` (the task `insurance_pauses_run`, scheduled for each future date when the
  interruption is approved, and `manage.py insurance_pauses_apply` for a daily cron and the start of
  the worker) writes the stored status once the date has come, so indexes, the one-active-relation
  constraint and anything reading the raw column agree. It is one UPDATE: idempotent, and a worker
  killed while running it leaves either everything or nothing written.

Why readers compute rather than wait for the job: a job runs late or not at all (a stopped worker,
a task lost with a killed one), and a certificate printed in between would be wrong.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Case, CharField, F, Q, Value, When
from django.utils import timezone
from django_tasks import task

from yibao.enrollment.models import Insurance

logger = logging.getLogger(__name__)

ACTIVE, PAUSED = Insurance.Status.ACTIVE.value, Insurance.Status.PAUSED.value


def in_force(day: datetime.date) -> Q:
    """正常参保 on `day`: active, and no pause dated on or before it."""
    return Q(status=ACTIVE) & (Q(pause_date__isnull=True) | Q(pause_date__gt=day))


def paused_by(day: datetime.date) -> Q:
    """暂停参保 on `day`: paused, or active with a pause dated on or before it."""
    return Q(status=PAUSED) | Q(status=ACTIVE, pause_date__lte=day)


def scheduled(day: datetime.date) -> Q:
    """Active relations with an approved pause still to come (after `day`)."""
    return Q(status=ACTIVE, pause_date__gt=day)


def status_now(day: datetime.date) -> Case:
    """The 参保状态 code on `day`, as a query expression (for values and annotations)."""
    return Case(
        When(status=ACTIVE, pause_date__lte=day, then=Value(PAUSED)),
        default=F("status"),
        output_field=CharField(),
    )


def status_filter(code: str, day: datetime.date) -> Q:
    """A filter by 参保状态 as of `day` (正常参保 / 暂停参保 date-aware, others as stored)."""
    if code == ACTIVE:
        return in_force(day)
    if code == PAUSED:
        return paused_by(day)
    return Q(status=code)


def status_on(status: str, pause_date: datetime.date | None, day: datetime.date) -> str:
    """The 参保状态 code of one relation on `day`."""
    if status == ACTIVE and pause_date is not None and pause_date <= day:
        return PAUSED
    return status


def status_label_on(insurance: Insurance, day: datetime.date) -> str:
    return str(Insurance.Status(status_on(insurance.status, insurance.pause_date, day)).label)


# --- the writer ------------------------------------------------------------------------------------


def pauses_due_apply(*, today: datetime.date, person_ids: Iterable[int] | None = None) -> int:
    """Store 暂停参保 on every active relation whose pause date has come (of these persons only,
    when given): one UPDATE, so it is whole or not at all, and running it again changes nothing.
    Returns the number of relations paused."""
    rows = Insurance.objects.filter(status=ACTIVE, pause_date__lte=today)
    if person_ids is not None:
        rows = rows.filter(person_id__in=list(person_ids))
    return rows.update(status=PAUSED, updated_at=timezone.now())


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 0, 5)))


@task()
def insurance_pauses_run() -> int:
    """The scheduled job: store the pauses due today (see the module's docstring)."""
    paused = pauses_due_apply(today=timezone.localdate())
    if paused:
        logger.info("insurance pauses applied: %s", paused)
    return paused


def pause_run_schedule(day: datetime.date) -> None:
    """After the approval commits: run the job at the start of `day` (local time), when the task
    backend can defer; otherwise the daily `insurance_pauses_apply` does it (readers are right
    either way)."""
    if not insurance_pauses_run.get_backend().supports_defer:
        return
    run_after = _local_midnight(day)
    transaction.on_commit(lambda: insurance_pauses_run.using(run_after=run_after).enqueue())
