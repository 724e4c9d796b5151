"""Certifications named in the workbench's URLs: only of units in the reviewer's regions, 404 for
missing and for not yours alike. Applications come through `yibao.cases.access`."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from yibao.accounts.models import User
from yibao.agency.selectors import UNIT_REGION
from yibao.cases.reviewers import reviewer_scope
from yibao.units.models import LicenceSubmission, RoleCertification


def _scope(user: User) -> Q:
    scope = reviewer_scope(user, UNIT_REGION)
    if scope is None:
        raise Http404
    return scope


def access_licence_for_reviewer(user: User, submission_id: int) -> LicenceSubmission:
    """A licence (营业执照) of a unit in the reviewer's regions."""
    submission = (
        LicenceSubmission.objects.filter(_scope(user), pk=submission_id)
        .select_related("unit", "unit__division", "reviewed_by")
        .first()
    )
    if submission is None:
        raise Http404
    return submission


def access_role_for_reviewer(user: User, certification_id: int) -> RoleCertification:
    """A role certification (角色认证) of a unit in the reviewer's regions."""
    certification = (
        RoleCertification.objects.filter(_scope(user), pk=certification_id)
        .select_related("unit", "unit__division", "decided_by")
        .first()
    )
    if certification is None:
        raise Http404
    return certification
