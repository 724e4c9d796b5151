"""Writing events for the national platform. `outbox_event_add` is called by the services that
register units, change them and bind operators, inside their own transaction: the event exists
if and only if the change does. Delivery is `delivery.outbox_deliver`, started when the
transaction commits."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yibao.federation.delivery import outbox_deliver_soon
from yibao.federation.models import OutboxEvent


def federation_enabled() -> bool:
    """A provincial hall that names the national instance sends it its events."""
    return bool(settings.YIBAO_NATIONAL_URL)


def outbox_event_add(
    *, kind: OutboxEvent.Kind, unit_uscc: str, payload: dict[str, Any]
) -> OutboxEvent | None:
    """Record one event in the caller's transaction (None while federation is off)."""
    if not federation_enabled():
        return None
    now = timezone.now()
    previous = (
        OutboxEvent.objects.filter(unit_uscc=unit_uscc).order_by("-id").values_list("key", flat=True).first()
    )
    event = OutboxEvent.objects.create(
        key=uuid.uuid4(),
        unit_uscc=unit_uscc,
        previous_key=previous,
        kind=kind,
        payload=payload,
        created_at=now,
        next_attempt_at=now,
    )
    transaction.on_commit(outbox_deliver_soon)
    return event
