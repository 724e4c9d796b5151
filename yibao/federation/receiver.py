"""The national side of event delivery: POST /api/internal/federation/events/ takes the signed batch of a
provincial hall and keeps each event once (by its idempotency key), in order per unit: an event
whose previous event has not arrived waits (answered «out_of_order»; the sender retries)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db import IntegrityError, transaction

from yibao.federation.models import OutboxEvent, ReceivedEvent

MAX_EVENTS = 1000
KINDS = set(OutboxEvent.Kind.values)


class Malformed(ValueError):
    pass


def _uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Malformed("key") from None


def _parsed(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise Malformed("event")
    uscc, kind, payload = item.get("unit_uscc"), item.get("kind"), item.get("payload")
    if (
        not isinstance(uscc, str)
        or not 0 < len(uscc) <= 18
        or kind not in KINDS
        or not isinstance(payload, dict)
    ):
        raise Malformed("fields")
    try:
        created_at = datetime.datetime.fromisoformat(str(item.get("created_at")))
    except ValueError:
        raise Malformed("created_at") from None
    previous = item.get("previous_key")
    return {
        "key": _uuid(item.get("key")),
        "previous_key": _uuid(previous) if previous else None,
        "unit_uscc": uscc,
        "kind": kind,
        "payload": payload,
        "created_at": created_at,
    }


def events_receive(*, source: str, events: Any) -> dict[str, str]:
    """What became of each event, by key: accepted, duplicate, out_of_order or rejected:<why>.
    The batch is read with two queries (which keys are known, which previous ones) and written
    with one insert; a concurrent delivery of the same events falls back to one at a time."""
    if not isinstance(events, list) or len(events) > MAX_EVENTS:
        raise Malformed("events")
    results: dict[str, str] = {}
    parsed: list[dict[str, Any]] = []
    for item in events:
        try:
            parsed.append(_parsed(item))
        except Malformed as error:
            key = str(item.get("key")) if isinstance(item, dict) else ""
            if key:
                results[key] = f"rejected:{error}"
    wanted = {e["key"] for e in parsed} | {e["previous_key"] for e in parsed if e["previous_key"]}
    known = set(ReceivedEvent.objects.filter(key__in=wanted).values_list("key", flat=True))
    new: list[ReceivedEvent] = []
    for event in parsed:
        key = str(event["key"])
        if event["key"] in known:
            results[key] = "duplicate"
        elif event["previous_key"] is not None and event["previous_key"] not in known:
            results[key] = "out_of_order"
        else:
            new.append(ReceivedEvent(source=source[:40], **event))
            known.add(event["key"])  # a later event of the batch may name it as previous
            results[key] = "accepted"
    try:
        with transaction.atomic():
            ReceivedEvent.objects.bulk_create(new)
    except IntegrityError:  # some came in a concurrent delivery meanwhile: one at a time
        for record in new:
            try:
                with transaction.atomic():
                    record.pk = None
                    record.save(force_insert=True)
            except IntegrityError:
                results[str(record.key)] = "duplicate"
    return results
