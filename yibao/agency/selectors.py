"""Reads of the agency workbench, always narrowed to the reviewer's regions (审核员负责区划).

A region covers every region whose code starts with its prefix (`cases.reviewers`):
the same rule for applications (by the region they were submitted in) and for units (资质认证 and
角色认证, by the unit's 医保区划).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from yibao.accounts.models import User
from yibao.cases.models import Application, ReviewerRegion, Status
from yibao.cases.reviewers import region_prefix, reviewer_scope
from yibao.cases.types import type_name
from yibao.core.models import Division
from yibao.units.models import LicenceSubmission, RoleCertification

UNIT_REGION = "unit__division__code"  # where a certification's unit has its 医保区划
PENDING_AGES = {"1": 1, "3": 3, "7": 7}  # 等待时间: 超过 N 天


def reviewer_regions(user: User) -> list[Division]:
    """The regions assigned to the reviewer (superusers: every province)."""
    if user.is_superuser:
        return list(Division.objects.filter(level=Division.Level.PROVINCE, is_active=True).order_by("code"))
    return [
        r.division
        for r in ReviewerRegion.objects.filter(reviewer=user).select_related("division").order_by("division")
    ]


def region_choices(user: User) -> list[Division]:
    """The 医保区划 a reviewer may filter by: their regions and the regions directly below them."""
    assigned = reviewer_regions(user)
    if user.is_superuser or not assigned:
        return assigned
    below = Division.objects.filter(parent__in=[d.code for d in assigned], is_active=True)
    return sorted({d.code: d for d in [*assigned, *below]}.values(), key=lambda d: d.code)


def waiting_label(since: datetime.datetime | None, now: datetime.datetime | None = None) -> str:
    """等待时长 in words: «3天5小时», «4小时20分钟», «12分钟»."""
    if since is None:
        return "—"
    seconds = max(0, int(((now or timezone.now()) - since).total_seconds()))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    if days:
        return f"{days}天{hours}小时"
    if hours:
        return f"{hours}小时{minutes}分钟"
    if minutes:
        return f"{minutes}分钟"
    return "不足1分钟"


# --- applications ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingCount:
    type_code: str
    name: str
    count: int
    oldest: datetime.datetime | None

    @property
    def waiting(self) -> str:
        return waiting_label(self.oldest)


def pending_counts(user: User) -> list[PendingCount]:
    """待审核 applications per type in the reviewer's regions, with the oldest submission."""
    scope = reviewer_scope(user)
    if scope is None:
        return []
    rows = (
        Application.objects.filter(scope, status=Status.SUBMITTED)
        .values("type_code")
        .annotate(count=Count("id"), oldest=Min("submitted_at"))
        .order_by("oldest")
    )
    return [PendingCount(r["type_code"], type_name(r["type_code"]), r["count"], r["oldest"]) for r in rows]


def claimed_by_me_count(user: User) -> int:
    return Application.objects.filter(status=Status.SUBMITTED, reviewer=user).count()


@dataclass(frozen=True)
class QueueFilter:
    type_code: str = ""
    region: Division | None = None
    status: str = Status.SUBMITTED
    older_than_days: int | None = None
    mine: bool = False


def application_queue(user: User, chosen: QueueFilter) -> QuerySet[Application]:
    """The queue: one query per page (unit, region and reviewer joined); pending oldest first."""
    scope = reviewer_scope(user)
    if scope is None:
        return Application.objects.none()
    queryset = Application.objects.filter(scope).exclude(status=Status.DRAFT)
    if chosen.type_code:
        queryset = queryset.filter(type_code=chosen.type_code)
    if chosen.region is not None:
        queryset = queryset.filter(division__code__startswith=region_prefix(chosen.region))
    if chosen.status:
        queryset = queryset.filter(status=chosen.status)
    if chosen.older_than_days is not None:
        limit = timezone.now() - datetime.timedelta(days=chosen.older_than_days)
        queryset = queryset.filter(submitted_at__lte=limit)
    if chosen.mine:
        queryset = queryset.filter(reviewer=user)
    order: list[Any] = (
        ["submitted_at", "id"] if chosen.status == Status.SUBMITTED else ["-submitted_at", "-id"]
    )
    return queryset.select_related("unit", "division", "reviewer").order_by(*order)


# --- 资质认证 and 角色认证 ----------------------------------------------------------------------


def pending_licences(user: User) -> QuerySet[LicenceSubmission]:
    scope = reviewer_scope(user, UNIT_REGION)
    if scope is None:
        return LicenceSubmission.objects.none()
    return (
        LicenceSubmission.objects.filter(scope, status=LicenceSubmission.Status.PENDING)
        .select_related("unit", "unit__division")
        .order_by("created_at", "pk")
    )


def pending_roles(user: User) -> QuerySet[RoleCertification]:
    scope = reviewer_scope(user, UNIT_REGION)
    if scope is None:
        return RoleCertification.objects.none()
    return (
        RoleCertification.objects.filter(scope, status=RoleCertification.Status.PENDING)
        .select_related("unit", "unit__division")
        .order_by("updated_at", "pk")
    )
