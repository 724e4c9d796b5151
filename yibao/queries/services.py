"""The one write of the 查询服务 pages: an audit event for each personal-detail look-up."""

from __future__ import annotations

from django.db import transaction

from yibao.accounts.models import User
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.models import AuditEvent
from yibao.enrollment.models import Person
from yibao.units.models import Unit

PERSON_VIEWED = "person_viewed"


@transaction.atomic
def person_view_record(
    *, actor: User, unit: Unit, person: Person, item_code: str, origin: RequestOrigin | None = None
) -> AuditEvent:
    """Who looked at whom, through which query (个人基本信息查询 / 个人参保信息查询)."""
    return audit_event_record(
        actor=actor, action=PERSON_VIEWED, unit=unit, target=person, after={"item": item_code}, origin=origin
    )
