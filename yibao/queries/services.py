"""The writes of the 查询服务 pages: audit events for each personal-detail look-up (an export's are
yibao.exports')."""

from __future__ import annotations

from django.db import transaction

from yibao.accounts.models import User
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.models import AuditEvent
from yibao.enrollment.models import Person
from yibao.units.models import Unit

PERSON_VIEWED = "person_viewed"
FILINGS_EXPORTED = "remote_care_filings_exported"  # written by yibao.exports at the download


@transaction.atomic
def person_view_record(
    *, actor: User, unit: Unit, person: Person, item_code: str, origin: RequestOrigin | None = None
) -> AuditEvent:
    """Who looked at whom, through which query (个人基本信息查询, 个人参保信息查询, a 证件号码 typed
    into 异地就医备案信息查询)."""
    return audit_event_record(
        actor=actor, action=PERSON_VIEWED, unit=unit, target=person, after={"item": item_code}, origin=origin
    )
