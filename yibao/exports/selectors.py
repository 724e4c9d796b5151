"""The reads of 导出记录."""

from __future__ import annotations

from django.utils import timezone

from yibao.accounts.models import User
from yibao.exports.kinds import kinds_of_item
from yibao.exports.models import ExportJob
from yibao.units.models import Unit

RECENT = 20


def export_jobs_recent(*, unit: Unit, user: User, item_code: str) -> list[ExportJob]:
    """The user's exports in this unit under this business item, not yet expired, newest first
    (at most RECENT: the list is for picking up what was just asked for)."""
    codes = [kind.code for kind in kinds_of_item(item_code)]
    return list(
        ExportJob.objects.filter(
            unit=unit, created_by=user, kind__in=codes, expires_at__gt=timezone.now()
        ).order_by("-created_at", "-id")[:RECENT]
    )
