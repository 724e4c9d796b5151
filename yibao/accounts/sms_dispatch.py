"""SMS through the task queue, durably (issue 19): the web request never waits for the gateway.

`sms_dispatch` writes the message as an `SmsDispatch` row in the caller's transaction and, once
that commits, enqueues `sms_dispatch_run` with the row's id only: the text never sits in the queue
(Redis, or the database queue's table). The task

- claims the row with a conditional UPDATE (still queued, due — its back-off over — and not
  claimed or claimed past its lease), so two workers never both send it and a duplicate task does
  not try again before the back-off ends; the claim counts an attempt and holds a lease of
  YIBAO_SMS_LEASE_SECONDS;
- marks a message past its `not_after` (a verification code that has expired) failed with
  «验证码已过期，未发送» instead of sending it late;
- hands the message to the configured backend (`yibao.accounts.sms`) and marks it sent, in one
  transaction (the outbox backend's row and «sent» commit together);
- on a failure, puts it back with back-off (10 s, 30 s, 90 s …) as a deferred task where the queue
  can defer, up to YIBAO_SMS_ATTEMPTS attempts in all, then marks it failed and logs an error.

The task has a queue of its own, "sms", that workers take first: a code does not wait behind
exports and batch imports.

A secret message's text (a verification code, a password) is blanked once it is sent or given up.

A row whose task never came (Redis away at the enqueue, a queue that lost it) or whose worker was
killed mid-send stays queued past its lease; `sms_dispatches_recover` (`manage.py
sms_dispatch_recover`, run when a worker starts and from cron) enqueues it again. A worker killed
after the gateway took a message but before it was marked sent makes it go twice: at least once,
never lost. The same command marks failed (and blanks) the queued messages past their
`not_after`, and deletes the rows finished more than YIBAO_SMS_KEEP_DAYS ago.
"""

from __future__ import annotations

import datetime
import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.utils import timezone
from django_tasks import task

from yibao.accounts.models import SmsDispatch
from yibao.accounts.sms import sms_backend
from yibao.core.masking import mask_phone

logger = logging.getLogger(__name__)

BACKOFF_FIRST_SECONDS = 10
# A deferred run is asked for this long after the row is due: RQ's scheduler keeps whole seconds
# and may move a job to its queue up to a second early, when the claim would refuse it.
DEFER_MARGIN = datetime.timedelta(seconds=1)
INTERRUPTED = "发送中断：执行任务的进程已退出"
EXPIRED = "验证码已过期，未发送"
QUEUE_NAME = "sms"


class _LeaseLost(Exception):
    pass


def _now() -> datetime.datetime:
    """The clock of this module; tests move it instead of sleeping."""
    return timezone.now()


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=float(settings.YIBAO_SMS_LEASE_SECONDS))


def max_attempts() -> int:
    return int(settings.YIBAO_SMS_ATTEMPTS)


def keep() -> datetime.timedelta:
    return datetime.timedelta(days=int(settings.YIBAO_SMS_KEEP_DAYS))


def backoff(attempts: int) -> datetime.timedelta:
    """10 s after the first failure, then three times longer each time."""
    return datetime.timedelta(seconds=BACKOFF_FIRST_SECONDS * 3 ** max(attempts - 1, 0))


def sms_dispatch(
    *,
    phone: str,
    text: str,
    purpose: str = "",
    secret: bool = False,
    not_after: datetime.datetime | None = None,
) -> SmsDispatch:
    """Queue one message; it is sent once the caller's transaction commits (at once outside one).
    `secret`: the text holds a code or a password, and is blanked once sent. `not_after`: the
    message is useless later (a code's expiry); it is then marked failed, not sent."""
    now = _now()
    row = SmsDispatch.objects.create(
        phone=phone,
        text=text,
        purpose=purpose,
        secret=secret,
        created_at=now,
        next_attempt_at=now,
        not_after=not_after,
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
    """Take the row for this run, or None when it is sent, given up, held by another run or not due
    yet (a duplicate task while the back-off of a failed attempt runs)."""
    taken = (
        SmsDispatch.objects.filter(pk=dispatch_id, status=SmsDispatch.Status.QUEUED, next_attempt_at__lte=now)
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
    """One attempt at one row: "sent", "retry", "failed", "expired" (past its `not_after`: marked
    failed, not sent), "lost" (another run took it over) or "skipped" (nothing to do, or not due
    yet)."""
    now = _now()
    row = _claim(dispatch_id, now)
    if row is None:
        _early(dispatch_id, now)
        return "skipped"
    if row.not_after is not None and now >= row.not_after:  # as the code is refused from then
        _held(row).update(
            status=SmsDispatch.Status.FAILED,
            finished_at=now,
            claimed_at=None,
            lease_until=None,
            last_error=EXPIRED,
            **_blanked(row),
        )
        logger.warning("sms dispatch %s to %s: %s", row.pk, mask_phone(row.phone), EXPIRED)
        return "expired"
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
        sms_dispatch_enqueue(row.pk, run_after=at + DEFER_MARGIN)
    # elsewhere (the tests' immediate backend) recovery takes it up once its lease runs out
    return "retry"


def _early(dispatch_id: int, now: datetime.datetime) -> None:
    """A run that came before the row was due (a clock behind the scheduler's) asks for another at
    the due time, where the queue can defer; else recovery takes the row up after its lease. A
    duplicate task so deferred meets the retry at the due time, and one of them claims the row."""
    due = (
        SmsDispatch.objects.filter(
            pk=dispatch_id, status=SmsDispatch.Status.QUEUED, claimed_at__isnull=True, next_attempt_at__gt=now
        )
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if due is not None and sms_dispatch_run.get_backend().supports_defer:
        sms_dispatch_enqueue(dispatch_id, run_after=due + DEFER_MARGIN)


@task(queue_name=QUEUE_NAME)
def sms_dispatch_run(dispatch_id: int) -> None:
    """Send one queued message (see the module's docstring)."""
    sms_dispatch_send(dispatch_id)


def sms_dispatches_recover() -> dict[str, int]:
    """Queued rows past their `not_after` and not held by a run: marked failed («验证码已过期，
    未发送», a secret text blanked). Queued rows past their lease: enqueued again, or — killed on
    their last attempt — marked failed. Sent and failed rows finished more than
    YIBAO_SMS_KEEP_DAYS ago: deleted. Each change is conditional, so two recoveries at once act
    once. Idempotent."""
    now = _now()
    counts = {"enqueued": 0, "failed": 0, "expired": 0, "deleted": 0}
    counts["expired"] = (
        SmsDispatch.objects.filter(status=SmsDispatch.Status.QUEUED, not_after__lte=now)
        .filter(Q(claimed_at__isnull=True) | Q(lease_until__lt=now))
        .update(
            status=SmsDispatch.Status.FAILED,
            finished_at=now,
            claimed_at=None,
            lease_until=None,
            last_error=EXPIRED,
            text=Case(When(secret=True, then=Value("")), default=F("text")),
        )
    )
    counts["deleted"], _ = SmsDispatch.objects.filter(
        status__in=[SmsDispatch.Status.SENT, SmsDispatch.Status.FAILED], finished_at__lt=now - keep()
    ).delete()
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
