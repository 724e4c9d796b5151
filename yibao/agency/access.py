"""Certifications named in the workbench's URLs: only of units in the reviewer's regions, 404 for
missing and for not yours alike. Applications come through `yibao.cases.access`."""

from __future__ import annotations

from django.http import Http404

from yibao.accounts.models import User
from yibao.agency.selectors import reviewer_prefixes, unit_scope
from yibao.units.models import LicenceSubmission, RoleCertification


def _prefixes(user: User) -> list[str]:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise Http404
    prefixes = reviewer_prefixes(user)
    if prefixes is None:
        raise Http404
    return prefixes


def access_licence_for_reviewer(user: User, submission_id: int) -> LicenceSubmission:
    """A licence (营业执照) of a unit in the reviewer's regions."""
    submission = (
        LicenceSubmission.objects.filter(unit_scope(_prefixes(user)), pk=submission_id)
        .select_related("unit", "unit__division", "reviewed_by")
        .first()
    )
    if submission is None:
        raise Http404
    return submission


def access_role_for_reviewer(user: User, certification_id: int) -> RoleCertification:
    """A role certification (角色认证) of a unit in the reviewer's regions."""
    certification = (
        RoleCertification.objects.filter(unit_scope(_prefixes(user)), pk=certification_id)
        .select_related("unit", "unit__division", "decided_by")
        .first()
    )
    if certification is None:
        raise Http404
    return certification
