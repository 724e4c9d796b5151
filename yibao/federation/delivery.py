"""Delivering the outbox to the national platform.

Each round takes the oldest due events (at most YIBAO_FEDERATION_BATCH), claims them with a lease
(an UPDATE that only one worker can win per event), sends them in one signed request and records
what the receiver said of each: accepted or already known (delivered), or not yet (its unit's
earlier event has not arrived) and failed (retried later, with back-off). While the national
endpoint is down, slow or answering garbage, every claimed event is retried later; nothing is
lost and, the receiver keeping one copy per idempotency key, nothing arrives twice.

Order per unit: an event is sent only with or after its unit's earlier events, and the receiver
takes an event only after the one it names as previous, so a retry that overtakes cannot apply
out of order.

A worker killed mid-round (SIGKILL, the OOM killer, a lost machine) leaves its lease, which runs
out by itself; before a round sends what it claimed, it schedules a watchdog run just after that
lease (where the task backend can defer; one at a time), which takes the events up again without
waiting for the next event or cron. A round that finds events another round holds does the same.
`manage.py deliver_outbox --enqueue` at worker start covers a backend that cannot defer.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, Max, Min, OuterRef, Q
from django.utils import timezone
from django_tasks import default_task_backend, task

from yibao.federation.calls import NationalUnavailable, national_call
from yibao.federation.models import OutboxEvent

logger = logging.getLogger(__name__)

EVENTS_PATH = "/api/internal/federation/events/"
BACKOFF_FIRST_SECONDS = 5
BACKOFF_MAX_SECONDS = 3600
LEASE_MARGIN_SECONDS = 5  # a watchdog run comes this long after the lease it watches runs out


@dataclass
class DeliveryReport:
    rounds: int = 0
    sent: int = 0
    delivered: int = 0
    retried: int = 0

    def __str__(self) -> str:
        return f"发送{self.sent}条，送达{self.delivered}条，待重试{self.retried}条"


class DeliveryFailed(Exception):
    pass


def backoff(attempts: int) -> datetime.timedelta:
    """5 s, 10 s, 20 s … up to an hour between attempts."""
    return datetime.timedelta(
        seconds=min(BACKOFF_FIRST_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
    )


def _lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=2 * int(settings.YIBAO_FEDERATION_TIMEOUT_SECONDS) + 30)


def _free(now: datetime.datetime) -> Q:
    return Q(lease_until__isnull=True) | Q(lease_until__lt=now)


def _in_unit_order(events: list[OutboxEvent], *, now: datetime.datetime) -> list[OutboxEvent]:
    """Drop each event whose unit has an earlier undelivered event outside `events`."""
    ids = [e.pk for e in events]
    first_left_out = dict(
        OutboxEvent.objects.filter(delivered_at__isnull=True, unit_uscc__in={e.unit_uscc for e in events})
        .exclude(pk__in=ids)
        .values("unit_uscc")
        .annotate(first=Min("id"))
        .values_list("unit_uscc", "first")
    )
    return [e for e in events if e.pk < first_left_out.get(e.unit_uscc, e.pk + 1)]


def _blocked(now: datetime.datetime) -> Exists:
    """An earlier undelivered event of the same unit waits (its retry not due, or another worker
    holds it): this one cannot go before it."""
    return Exists(
        OutboxEvent.objects.filter(
            unit_uscc=OuterRef("unit_uscc"), delivered_at__isnull=True, id__lt=OuterRef("id")
        ).filter(Q(next_attempt_at__gt=now) | Q(lease_until__gte=now))
    )


def _claim(*, now: datetime.datetime, limit: int) -> list[OutboxEvent]:
    due = (
        OutboxEvent.objects.filter(delivered_at__isnull=True, next_attempt_at__lte=now)
        .filter(_free(now))
        .exclude(_blocked(now))
    )
    candidates = _in_unit_order(list(due.order_by("id")[:limit]), now=now)
    if not candidates:
        return []
    owner = uuid.uuid4()
    OutboxEvent.objects.filter(pk__in=[e.pk for e in candidates], delivered_at__isnull=True).filter(
        _free(now)
    ).update(lease_owner=owner, lease_until=now + _lease())
    claimed = list(OutboxEvent.objects.filter(lease_owner=owner, delivered_at__isnull=True).order_by("id"))
    # Another worker may have won some: what would now go out of order waits for the next round.
    kept = _in_unit_order(claimed, now=now)
    let_go = [e.pk for e in claimed if e not in kept]
    if let_go:
        OutboxEvent.objects.filter(pk__in=let_go, lease_owner=owner).update(
            lease_owner=None, lease_until=None
        )
    return kept


def _wire(event: OutboxEvent) -> dict[str, Any]:
    return {
        "key": str(event.key),
        "previous_key": str(event.previous_key) if event.previous_key else None,
        "unit_uscc": event.unit_uscc,
        "kind": event.kind,
        "payload": event.payload,
        "created_at": event.created_at.isoformat(),
    }


def _send(events: list[OutboxEvent]) -> dict[str, str]:
    """The receiver's word on each event, by key; DeliveryFailed when there is none to be had."""
    try:
        answer = national_call(EVENTS_PATH, {"events": [_wire(e) for e in events]})
    except NationalUnavailable as error:
        raise DeliveryFailed(str(error)) from None
    results = answer.get("results")
    if not isinstance(results, dict):
        raise DeliveryFailed("国家平台的应答无法识别")
    return {str(k): str(v) for k, v in results.items()}


def _record(
    events: list[OutboxEvent], results: dict[str, str], *, now: datetime.datetime, report: DeliveryReport
) -> None:
    delivered = [e.pk for e in events if results.get(str(e.key)) in ("accepted", "duplicate")]
    OutboxEvent.objects.filter(pk__in=delivered).update(
        delivered_at=now, lease_owner=None, lease_until=None, last_error=""
    )
    report.delivered += len(delivered)
    for event in events:
        if event.pk in delivered:
            continue
        answer = results.get(str(event.key), "")
        reason = {"out_of_order": "等待同一单位的上一事件送达", "": "国家平台未答复该事件"}.get(
            answer, f"国家平台拒收：{answer.removeprefix('rejected:')}"
        )
        _retry_later(event, reason=reason, now=now)
        report.retried += 1


def _retry_later(event: OutboxEvent, *, reason: str, now: datetime.datetime) -> None:
    attempts = event.attempts + 1
    OutboxEvent.objects.filter(pk=event.pk).update(
        attempts=attempts,
        next_attempt_at=now + backoff(attempts),
        last_error=reason[:500],
        lease_owner=None,
        lease_until=None,
    )


def outbox_deliver(
    *, max_rounds: int | None = None, on_claim: Callable[[datetime.datetime], None] | None = None
) -> DeliveryReport:
    """Send what is due, round after round, until nothing is (or `max_rounds`). `on_claim` is
    told, before each round sends, when the lease of what it claimed runs out."""
    report = DeliveryReport()
    limit = int(settings.YIBAO_FEDERATION_BATCH)
    while max_rounds is None or report.rounds < max_rounds:
        now = timezone.now()
        events = _claim(now=now, limit=limit)
        if not events:
            break
        if on_claim is not None:
            on_claim(now + _lease())
        report.rounds += 1
        report.sent += len(events)
        try:
            results = _send(events)
        except DeliveryFailed as error:
            for event in events:
                _retry_later(event, reason=str(error), now=timezone.now())
            report.retried += len(events)
            break  # the endpoint is away: the next attempt is the back-off's
        _record(events, results, now=timezone.now(), report=report)
    return report


def next_attempt() -> datetime.datetime | None:
    """When the next round has something to send: the earliest retry of an event that is first
    in its unit's line (a later event waits for it, whatever its own time)."""
    earlier = OutboxEvent.objects.filter(
        unit_uscc=OuterRef("unit_uscc"), delivered_at__isnull=True, id__lt=OuterRef("id")
    )
    heads = OutboxEvent.objects.filter(delivered_at__isnull=True).exclude(Exists(earlier))
    return heads.aggregate(at=Min("next_attempt_at"))["at"]


def leases_end() -> datetime.datetime | None:
    """When the last lease on an undelivered event runs out (None when none is held)."""
    held = OutboxEvent.objects.filter(delivered_at__isnull=True, lease_until__gt=timezone.now())
    return held.aggregate(until=Max("lease_until"))["until"]


DEFERRED_KEY = "federation:outbox:deferred"
WATCHDOG_KEY = "federation:outbox:watchdog"


def _watch(lease_until: datetime.datetime) -> None:
    """A run just after `lease_until`, should the worker holding the lease die before it ends
    (where the task backend can defer). One watchdog at a time (a cache key marks it until it
    runs); a watchdog that finds leases still held watches them in turn."""
    if not default_task_backend.supports_defer:
        return
    at = lease_until + datetime.timedelta(seconds=LEASE_MARGIN_SECONDS)
    wait = int((at - timezone.now()).total_seconds())
    if not cache.add(WATCHDOG_KEY, at.isoformat(), timeout=wait + 300):
        return
    try:
        outbox_deliver_task.using(run_after=at).enqueue(watchdog=True)
    except Exception:  # the queue away: the lease still runs out, and cron or the next event delivers
        cache.delete(WATCHDOG_KEY)
        logger.exception("outbox watchdog not enqueued")


@task()
def outbox_deliver_task(deferred: bool = False, watchdog: bool = False) -> None:
    """Deliver what is due, then come back when the next retry falls due (where the task backend
    can defer; elsewhere `manage.py deliver_outbox` or the next event starts the next round).
    One deferred run is kept at a time (a cache key marks it), however many events start runs;
    likewise one watchdog run after the leases of a round (see the module's docstring)."""
    if deferred:
        cache.delete(DEFERRED_KEY)
    if watchdog:
        cache.delete(WATCHDOG_KEY)
    outbox_deliver(on_claim=_watch)
    held = leases_end()  # another round's, or a dead one's: look again once it is over
    if held is not None:
        _watch(held)
    later = next_attempt()
    if later is None or not default_task_backend.supports_defer:
        return
    at = max(later, timezone.now() + datetime.timedelta(seconds=BACKOFF_FIRST_SECONDS))  # never a hot loop
    wait = int((at - timezone.now()).total_seconds())
    if cache.add(DEFERRED_KEY, at.isoformat(), timeout=wait + 300):
        outbox_deliver_task.using(run_after=at).enqueue(deferred=True)


def outbox_deliver_soon() -> None:
    outbox_deliver_task.enqueue()
