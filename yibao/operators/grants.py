"""The one answer to "may this operator do business item X at unit Y?" (issue 13: one grant check).

An operator may use an item at a unit when all of these hold, checked together:
- the operator's binding to the unit is active;
- the item is active in the business catalogue and granted on that binding (权限管理);
- the unit holds the item's role (角色认证 已认证), when the item requires one.

Pages (`operators.access.grant_required`), services and background workers
(`cases.services.operator_check`) and application access (`cases.access`) all ask here, so a
revoked binding, grant or role stops every one of them at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Exists, OuterRef, Q, QuerySet

from yibao.accounts.models import User
from yibao.operators.models import Binding, BusinessItem, Grant
from yibao.units.models import RoleCertification
from yibao.units.selectors import unit_roles_held


def binding_active(*, user: User, unit_id: int) -> Binding | None:
    """The operator's active binding to the unit, with the unit (and its division) and the
    operator, in one query; None for anyone who is not an operator actively bound there."""
    if not user.is_authenticated or user.kind != User.Kind.OPERATOR:
        return None
    binding = binding_active_load(user_id=user.pk, unit_id=unit_id)
    if binding is not None:
        binding.operator.user = user  # the same row: the query matched it
    return binding


def binding_active_load(*, user_id: int, unit_id: int) -> Binding | None:
    """The active binding of the user's operator to the unit, with the unit (and its division) and
    the operator but not the user (the hall frame keeps it in the cache: no password hash there)."""
    return (
        Binding.objects.filter(unit_id=unit_id, operator__user_id=user_id, status=Binding.Status.ACTIVE)
        .select_related("unit__division", "operator")
        .first()
    )


def _grants(*, user: User, unit_id: int) -> QuerySet[Grant]:
    """Grants of active items on the operator's active binding to the unit, each annotated with
    `role_held`: whether the unit is certified for the item's role (False when it needs none)."""
    role_held = RoleCertification.objects.filter(
        unit_id=OuterRef("binding__unit_id"),
        role=OuterRef("item__required_role"),
        status=RoleCertification.Status.CERTIFIED,
    )
    return Grant.objects.filter(
        binding__unit_id=unit_id,
        binding__operator__user_id=user.pk,
        binding__status=Binding.Status.ACTIVE,
        item__is_active=True,
    ).annotate(role_held=Exists(role_held))


def _in_force(grants: QuerySet[Grant]) -> QuerySet[Grant]:
    return grants.filter(Q(item__required_role="") | Q(role_held=True))


class GrantRefusal(StrEnum):
    """Why an operator may not use an item, in the order the hall explains it."""

    NOT_BOUND = "not_bound"  # no active binding to the unit (or not an operator)
    UNKNOWN_ITEM = "unknown_item"  # no such active business item
    ROLE_MISSING = "role_missing"  # the unit is not certified for the item's role
    NOT_GRANTED = "not_granted"  # the item is not granted on the binding


@dataclass(frozen=True)
class GrantDecision:
    binding: Binding | None
    item: BusinessItem | None
    refusal: GrantRefusal | None

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def grant_decide(*, user: User, unit_id: int, item_code: str) -> GrantDecision:
    """Whether the operator may use the item at the unit now, with the binding and the item.

    Allowed costs one query (the grant with its binding, unit, division, operator and item);
    a refusal looks up why: not bound, then an unknown or inactive item, then the unit's missing
    role (which the unit admin cannot grant away), then the missing grant."""
    if not user.is_authenticated or user.kind != User.Kind.OPERATOR:
        return GrantDecision(binding=None, item=None, refusal=GrantRefusal.NOT_BOUND)
    grant = (
        _grants(user=user, unit_id=unit_id)
        .filter(item__code=item_code)
        .select_related("binding__unit__division", "binding__operator", "item__function_role")
        .first()
    )
    if grant is not None:
        binding, item = grant.binding, grant.item
        binding.operator.user = user  # the same row: matched above
        if item.required_role and not grant.role_held:  # type: ignore[attr-defined]
            return GrantDecision(binding=binding, item=item, refusal=GrantRefusal.ROLE_MISSING)
        return GrantDecision(binding=binding, item=item, refusal=None)
    found = binding_active(user=user, unit_id=unit_id)
    if found is None:
        return GrantDecision(binding=None, item=None, refusal=GrantRefusal.NOT_BOUND)
    active_item = (
        BusinessItem.objects.filter(code=item_code, is_active=True).select_related("function_role").first()
    )
    if active_item is None:
        return GrantDecision(binding=found, item=None, refusal=GrantRefusal.UNKNOWN_ITEM)
    role_missing = bool(active_item.required_role) and active_item.required_role not in unit_roles_held(
        found.unit
    )
    refusal = GrantRefusal.ROLE_MISSING if role_missing else GrantRefusal.NOT_GRANTED
    return GrantDecision(binding=found, item=active_item, refusal=refusal)


def items_in_force(*, user: User, unit_id: int) -> set[str]:
    """The codes of every item the operator may use at the unit now (the same rule as
    `grant_decide`, for all items at once); empty for anyone not actively bound there."""
    if not user.is_authenticated or user.kind != User.Kind.OPERATOR:
        return set()
    return set(_in_force(_grants(user=user, unit_id=unit_id)).values_list("item__code", flat=True))


def items_in_force_load(*, user: User, unit_id: int) -> dict[str, BusinessItem]:
    """Every item the operator may use at the unit now (the rule of `grant_decide`), by code, with
    its function role: what the hall frame keeps so that the page guard needs no query."""
    if not user.is_authenticated or user.kind != User.Kind.OPERATOR:
        return {}
    grants = _in_force(_grants(user=user, unit_id=unit_id)).select_related("item__function_role")
    return {grant.item.code: grant.item for grant in grants}
