"""SMS through the task queue, durably (issue 19): the web request never waits for the gateway.

`sms_dispatch` writes the message as an `SmsDispatch` row in the caller's transaction and, once
that commits, enqueues `sms_dispatch_run` with the row's id only: the text never sits in the queue
(Redis, or the database queue's table). The task

- claims the row with a conditional UPDATE (still queued, and not claimed or claimed past its
  lease), so two workers never both send it; the claim counts an attempt and holds a lease of
  YIBAO_SMS_LEASE_SECONDS;
- hands the message to the configured backend (`yibao.accounts.sms`) and marks it sent, in one
  transaction (the outbox backend's row and «sent» commit together);
- on a failure, puts it back with back-off (10 s, 30 s, 90 s …) as a deferred task where the queue
  can defer, up to YIBAO_SMS_ATTEMPTS attempts in all, then marks it failed and logs an error.

A secret message's text (a verification code, a password) is blanked once it is sent or given up.

A row whose task never came (Redis away at the enqueue, a queue that lost it) or whose worker was
killed mid-send stays queued past its lease; `sms_dispatches_recover` (`manage.py
sms_dispatch_recover`, run when a worker starts and from cron) enqueues it again. A worker killed
after the gateway took a message but before it was marked sent makes it go twice: at least once,
never lost.
"""

from __future__ import annotations

import datetime
import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django_tasks import task

from yibao.accounts.models import SmsDispatch
from yibao.accounts.sms import sms_backend
from yibao.core.masking import mask_phone

logger = logging.getLogger(__name__)

BACKOFF_FIRST_SECONDS = 10
INTERRUPTED = "发送中断：执行任务的进程已退出"


class _LeaseLost(Exception):
    pass


def _now() -> datetime.datetime:
    """The clock of this module; tests move it instead of sleeping."""
    return timezone.now()


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=float(settings.YIBAO_SMS_LEASE_SECONDS))


def max_attempts() -> int:
    return int(settings.YIBAO_SMS_ATTEMPTS)


def backoff(attempts: int) -> datetime.timedelta:
    """10 s after the first failure, then three times longer each time."""
    return datetime.timedelta(seconds=BACKOFF_FIRST_SECONDS * 3 ** max(attempts - 1, 0))


def sms_dispatch(*, phone: str, text: str, purpose: str = "", secret: bool = False) -> SmsDispatch:
    """Queue one message; it is sent once the caller's transaction commits (at once outside one).
    `secret`: the text holds a code or a password, and is blanked once sent."""
    now = _now()
    row = SmsDispatch.objects.create(
        phone=phone,
        text=text,
        purpose=purpose,
        secret=secret,
        created_at=now,
        next_attempt_at=now,
        lease_until=now + lease(),  # the task should have started by then, else recovery enqueues it
    )
    transaction.on_commit(partial(sms_dispatch_enqueue, row.pk))
    return row


def sms_dispatch_enqueue(dispatch_id: int, run_after: datetime.datetime | None = None) -> bool:
    """Hand the row to the task queue. A queue that is away (Redis down) fails nothing: the row
    stays queued and recovery enqueues it again once its lease runs out."""
    try:
        if run_after is None:
            sms_dispatch_run.enqueue(dispatch_id)
        else:
            sms_dispatch_run.using(run_after=run_after).enqueue(dispatch_id)
    except Exception:
        logger.exception("sms dispatch %s: not enqueued, recovery will retry", dispatch_id)
        return False
    return True


def _claim(dispatch_id: int, now: datetime.datetime) -> SmsDispatch | None:
    """Take the row for this run, or None when it is sent, given up or held by another run."""
    taken = (
        SmsDispatch.objects.filter(pk=dispatch_id, status=SmsDispatch.Status.QUEUED)
        .filter(Q(claimed_at__isnull=True) | Q(lease_until__lt=now))
        .update(claimed_at=now, lease_until=now + lease(), attempts=F("attempts") + 1)
    )
    if not taken:
        return None
    return SmsDispatch.objects.get(pk=dispatch_id)


def _held(row: SmsDispatch) -> QuerySet[SmsDispatch]:
    """The row, as long as this run holds it (a later claim counts another attempt)."""
    return SmsDispatch.objects.filter(pk=row.pk, status=SmsDispatch.Status.QUEUED, attempts=row.attempts)


def _blanked(row: SmsDispatch) -> dict[str, str]:
    return {"text": ""} if row.secret else {}


def sms_dispatch_send(dispatch_id: int) -> str:
    """One attempt at one row: "sent", "retry", "failed", "lost" (another run took it over) or
    "skipped" (nothing to do)."""
    row = _claim(dispatch_id, _now())
    if row is None:
        return "skipped"
    try:
        with transaction.atomic():
            sms_backend().send(phone=row.phone, text=row.text, purpose=row.purpose)
            sent = _held(row).update(
                status=SmsDispatch.Status.SENT,
                finished_at=_now(),
                claimed_at=None,
                lease_until=None,
                last_error="",
                **_blanked(row),
            )
            if not sent:
                raise _LeaseLost
    except _LeaseLost:
        logger.warning("sms dispatch %s: lease lost while sending, it may have gone twice", row.pk)
        return "lost"
    except Exception as error:
        return _failed(row, str(error) or type(error).__name__)
    return "sent"


def _failed(row: SmsDispatch, reason: str) -> str:
    now = _now()
    reason = reason[:500]
    if row.attempts >= max_attempts():
        if _held(row).update(
            status=SmsDispatch.Status.FAILED,
            finished_at=now,
            claimed_at=None,
            lease_until=None,
            last_error=reason,
            **_blanked(row),
        ):
            logger.error(
                "sms dispatch %s to %s failed after %s attempts: %s",
                row.pk, mask_phone(row.phone), row.attempts, reason,
            )  # fmt: skip
        return "failed"
    at = now + backoff(row.attempts)
    if not _held(row).update(
        claimed_at=None, next_attempt_at=at, lease_until=at + lease(), last_error=reason
    ):
        return "lost"
    logger.warning("sms dispatch %s: attempt %s failed (%s), next at %s", row.pk, row.attempts, reason, at)
    if sms_dispatch_run.get_backend().supports_defer:
        sms_dispatch_enqueue(row.pk, run_after=at)
    # elsewhere (the tests' immediate backend) recovery takes it up once its lease runs out
    return "retry"


@task()
def sms_dispatch_run(dispatch_id: int) -> None:
    """Send one queued message (see the module's docstring)."""
    sms_dispatch_send(dispatch_id)


def sms_dispatches_recover() -> dict[str, int]:
    """Queued rows past their lease: enqueued again, or — killed on their last attempt — marked
    failed. Each change is conditional, so two recoveries at once act once. Idempotent."""
    now = _now()
    counts = {"enqueued": 0, "failed": 0}
    lost = SmsDispatch.objects.filter(status=SmsDispatch.Status.QUEUED, lease_until__lt=now)
    for row in lost.only("pk", "phone", "secret", "attempts", "claimed_at", "lease_until"):
        same = SmsDispatch.objects.filter(
            pk=row.pk, status=SmsDispatch.Status.QUEUED, attempts=row.attempts, lease_until=row.lease_until
        )
        if row.claimed_at is not None and row.attempts >= max_attempts():
            if same.update(
                status=SmsDispatch.Status.FAILED,
                finished_at=now,
                claimed_at=None,
                lease_until=None,
                last_error=INTERRUPTED,
                **_blanked(row),
            ):
                counts["failed"] += 1
                logger.error("sms dispatch %s to %s: %s", row.pk, mask_phone(row.phone), INTERRUPTED)
            continue
        if same.update(claimed_at=None, lease_until=now + lease()):
            counts["enqueued"] += 1
            transaction.on_commit(partial(sms_dispatch_enqueue, row.pk))
    return counts
