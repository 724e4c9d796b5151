"""Reaching an application from a URL: 404 for missing and for not yours alike."""

from __future__ import annotations

from django.http import Http404

from yibao.accounts.models import User
from yibao.cases.models import Application, Material
from yibao.cases.reviewers import reviewer_scope
from yibao.cases.types import application_type
from yibao.operators.grants import items_in_force
from yibao.operators.session import OperatorRequest

RECORDS_ITEM = "case-records"  # 办件记录查询


def access_application_for_operator(request: OperatorRequest, application_id: int) -> Application:
    """An application of the operator's current unit (set by the guard) that the operator may
    see: it holds the type's business item or 办件记录查询 there."""
    unit, user = request.unit, request.user
    if not isinstance(user, User) or user.kind != User.Kind.OPERATOR:
        raise Http404
    application = (
        Application.objects.filter(pk=application_id, unit=unit)
        .select_related("unit", "operator", "reviewer", "division")
        .first()
    )
    if application is None:
        raise Http404
    try:
        item = application_type(application.type_code).item_code
    except KeyError as exc:
        raise Http404 from exc
    if not items_in_force(user=user, unit_id=unit.pk) & {item, RECORDS_ITEM}:
        raise Http404
    return application


def access_application_for_reviewer(user: User, application_id: int) -> Application:
    """An application in the reviewer's regions (staff only)."""
    scope = reviewer_scope(user)
    if scope is None:
        raise Http404
    application = (
        Application.objects.filter(scope, pk=application_id)
        .exclude(status="draft")
        .select_related("unit", "operator", "reviewer", "division")
        .first()
    )
    if application is None:
        raise Http404
    return application


def access_material(application: Application, material_id: int) -> Material:
    material = Material.objects.filter(pk=material_id, application=application).first()
    if material is None:
        raise Http404
    return material
