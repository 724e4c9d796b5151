"""Which regions an agency reviewer covers (审核员负责区划): one rule for every workbench read.

A region covers every region whose code starts with its prefix (53 a province, 5301 a city,
530112 a county). Applications are placed by the region they were submitted in; units (资质认证,
角色认证) by their 医保区划. Superusers (the system admin) cover every region.
"""

from __future__ import annotations

from django.db.models import Q

from yibao.accounts.models import User
from yibao.cases.models import Application, ReviewerRegion
from yibao.core.models import Division


def region_prefix(division: Division) -> str:
    """53 for a province, 5301 for a city, 530112 for a county."""
    digits = {int(Division.Level.PROVINCE): 2, int(Division.Level.CITY): 4}.get(int(division.level), 6)
    return division.code[:digits]


def reviewer_prefixes(user: User) -> list[str] | None:
    """Code prefixes the reviewer covers; None for anyone who is not an active staff member or
    covers no region ([""] for superusers: every code starts with it)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return None
    if user.is_superuser:
        return [""]
    prefixes = [
        region_prefix(r.division)
        for r in ReviewerRegion.objects.filter(reviewer=user).select_related("division")
    ]
    return prefixes or None


def reviewer_scope(user: User, path: str = "division__code") -> Q | None:
    """The rows a reviewer may see, as a filter on the 医保区划 code at `path`; None when the
    reviewer covers nothing."""
    prefixes = reviewer_prefixes(user)
    if prefixes is None:
        return None
    scope = Q()
    for prefix in prefixes:
        if prefix:
            scope |= Q(**{f"{path}__startswith": prefix})
        else:
            return Q()
    return scope


def reviewer_covers(user: User, application: Application) -> bool:
    scope = reviewer_scope(user)
    return scope is not None and Application.objects.filter(scope, pk=application.pk).exists()
