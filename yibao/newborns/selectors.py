"""Reads of 婴幼儿备案 for the hospital's page: its filings and the ones still being prepared."""

from __future__ import annotations

from django.db.models import QuerySet

from yibao.cases.models import Application, Status
from yibao.newborns.codes import INFANT_FILING
from yibao.newborns.models import InfantFiling
from yibao.units.models import Unit

SHOWN = (
    "number", "status", "name", "birth_date", "birth_cert_no", "guardian_name", "created_at",
    "application__id", "application__number", "application__status", "application__opinion",
)  # fmt: skip


SHOWN = (
    "number", "status", "name", "birth_date", "birth_cert_no", "guardian_name", "created_at",
    "application__id", "application__number", "application__status", "application__opinion",
)  # fmt: skip


def unit_infant_filings(unit: Unit) -> QuerySet[InfantFiling]:
    """The hospital's filings, newest first, each with its application (number, opinion)."""
    return (
        InfantFiling.objects.filter(unit=unit)
        .select_related("application")
        .only(*SHOWN)
        .order_by("-created_at", "-id")
    )


def unit_infant_drafts(unit: Unit) -> list[Application]:
    """The hospital's 婴幼儿备案 not submitted yet or returned for correction (at most 50)."""
    return list(
        Application.objects.filter(
            unit=unit, type_code=INFANT_FILING, status__in=[Status.DRAFT, Status.RETURNED]
        ).order_by("-updated_at", "-id")[:50]
    )
