"""Writing audit events. Services call `audit_event_record` inside their transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.http import HttpRequest

from yibao.core.models import AuditEvent


@dataclass(frozen=True)
class RequestOrigin:
    """Where a request came from, captured once by the view and passed to services."""

    ip_address: str | None = None
    user_agent: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> RequestOrigin:
        return cls(
            ip_address=client_address(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:300]
        )


def client_address(request: HttpRequest) -> str | None:
    """The client's address. Behind YIBAO_TRUSTED_PROXIES load balancers, each appends the
    address it saw to X-Forwarded-For, so the client is that many entries from the right;
    anything further left was written by the client and is not trusted."""
    proxies = settings.YIBAO_TRUSTED_PROXIES
    if proxies > 0:
        hops = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(hops) >= proxies:
            return hops[-proxies] or None
    return request.META.get("REMOTE_ADDR") or None


def audit_event_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    unit: models.Model | None = None,
    target: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    origin: RequestOrigin | None = None,
) -> AuditEvent:
    """Record one event. `actor` is the user who acted (None for the system) and `unit` the
    `units.Unit` concerned; both are typed by their Django base classes because core sits below
    the apps that define them."""
    origin = origin or RequestOrigin()
    object_type = ""
    object_id = ""
    if target is not None:
        meta = getattr(target, "_meta", None)
        object_type = meta.label_lower if meta is not None else type(target).__name__
        object_id = str(getattr(target, "pk", "") or "")
    return AuditEvent.objects.create(
        actor_id=actor.pk if actor is not None else None,
        actor_label=(actor.get_username() if actor is not None else "系统"),
        unit_id=unit.pk if unit is not None else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        ip_address=origin.ip_address,
        user_agent=origin.user_agent,
    )
