"""Who may do what in the hall (DESIGN §4, unit-administration issue).

- A unit admin reaches only its own unit and the bindings of that unit (`access_binding`).
- An operator reaches only units it is actively bound to (the session's current unit is checked
  again on every request) and only the business items granted there (`grant_required`).
- Objects named in a URL or a form come through an `access_*` function that answers 404 for
  both "missing" and "not yours", so ids cannot be probed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from yibao.accounts.guards import hall_user
from yibao.core.guards import Guard, mark_guard
from yibao.core.masking import IdentityDisplay
from yibao.operators.grants import GrantDecision, GrantRefusal, grant_decide
from yibao.operators.hall_frame import operator_hall_frame
from yibao.operators.models import Binding, BusinessItem, Operator
from yibao.operators.session import CURRENT_UNIT_KEY, OperatorRequest, operator_refusal
from yibao.units.models import Unit, UnitRole

View = TypeVar("View", bound=Callable[..., HttpResponse])


class GrantedRequest(OperatorRequest):
    """A request `grant_required` let through: the `business_item` granted on `binding`."""

    business_item: BusinessItem


def access_binding(*, unit: Unit, binding_id: int, active_only: bool = True) -> Binding:
    """A binding of this unit (the unit admin's own), or 404."""
    bindings = Binding.objects.select_related("operator", "operator__user", "unit")
    if active_only:
        bindings = bindings.filter(status=Binding.Status.ACTIVE)
    binding = bindings.filter(pk=binding_id, unit=unit).first()
    if binding is None:
        raise Http404
    return binding


def grant_holders(*, unit: Unit, item: BusinessItem) -> list[Operator]:
    return list(
        Operator.objects.filter(
            bindings__unit=unit, bindings__status=Binding.Status.ACTIVE, bindings__grants__item=item
        ).order_by("name")
    )


def no_permission(
    request: HttpRequest, *, unit: Unit, item: BusinessItem, role_missing: bool
) -> HttpResponse:
    """The «无权限» page: what is missing and who can grant it."""
    return render(
        request,
        "operators/no_permission.html",
        {
            "item": item,
            "unit": unit,
            "role_missing": role_missing,
            "required_role": UnitRole(item.required_role).label if item.required_role else "",
        },
        status=403,
    )


def grant_required(item_code: str) -> Callable[[View], View]:
    """The hall's view decorator for business pages: a logged-in operator, a current unit it is
    still bound to, the unit holding the item's role, and the item granted to this operator.

    Sets `request.unit`, `request.binding` and `request.business_item`.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            code = kwargs.get("item_code", item_code) if item_code == "*" else item_code
            return _check_grant(request, code, view, *args, **kwargs)

        return mark_guard(cast(View, wrapper), Guard.GRANT)

    return decorate


def _check_grant(
    request: HttpRequest, code: str, view: Callable[..., HttpResponse], *args: Any, **kwargs: Any
) -> HttpResponse:
    refusal = operator_refusal(request)
    if refusal is not None:
        return refusal
    unit_id = request.session.get(CURRENT_UNIT_KEY)
    if unit_id is None:
        decision = GrantDecision(binding=None, item=None, refusal=GrantRefusal.NOT_BOUND)
    else:
        decision = _cached_decision(request, code) or grant_decide(
            user=hall_user(request), unit_id=unit_id, item_code=code
        )
    if decision.refusal is GrantRefusal.NOT_BOUND:
        return redirect("entry:choose-unit")
    if decision.refusal is GrantRefusal.UNKNOWN_ITEM:
        raise Http404
    binding, item = decision.binding, decision.item
    assert binding is not None and item is not None  # noqa: S101 - set for every other answer
    if not decision.allowed:
        return no_permission(
            request, unit=binding.unit, item=item, role_missing=decision.refusal is GrantRefusal.ROLE_MISSING
        )
    granted = cast(GrantedRequest, request)
    granted.unit, granted.binding, granted.business_item = binding.unit, binding, item
    return view(request, *args, **kwargs)


def _cached_decision(request: HttpRequest, code: str) -> GrantDecision | None:
    """Allowed, from the hall frame (no query) when the item is in force there; None sends the
    question to `grant_decide`, which also says why not."""
    frame = operator_hall_frame(request)
    item = frame.items.get(code)
    if frame.binding is None or item is None:
        return None
    return GrantDecision(binding=frame.binding, item=item, refusal=None)


POPULATION_KEY = "yibao_current_population"


def binding_population_codes(binding: Binding) -> list[str]:
    return list(binding.populations.order_by("sort_order", "code").values_list("code", flat=True))


def _chosen_population(request: HttpRequest, binding: Binding, codes: list[str]) -> str | None:
    """Of the binding's 管理人群 `codes`, the one chosen for this unit if still granted, else the
    first; None when there are none."""
    if not codes:
        return None
    chosen = request.session.get(POPULATION_KEY, {}).get(str(binding.unit_id))
    return chosen if chosen in codes else codes[0]


def current_population_code(
    request: HttpRequest, binding: Binding, codes: list[str] | None = None
) -> str | None:
    """The 管理人群 the operator works in now: the one chosen for this unit if still granted,
    else the first granted one; None when the grant names none. Pass `codes` when the binding's
    populations are at hand already."""
    return _chosen_population(request, binding, binding_population_codes(binding) if codes is None else codes)


def current_population_set(request: HttpRequest, binding: Binding, code: str) -> bool:
    if code not in binding_population_codes(binding):
        return False
    chosen = dict(request.session.get(POPULATION_KEY, {}))
    chosen[str(binding.unit_id)] = code
    request.session[POPULATION_KEY] = chosen
    return True


def population_psn_types(request: HttpRequest, binding: Binding) -> tuple[str, ...] | None:
    """The 人员类别 codes of the 管理人群 the operator works in now, for narrowing person queries
    (`Insurance.psn_type__in`); None when the grant names no 管理人群 (the whole unit). One query:
    the binding's populations with their 人员类别."""
    psn_types = dict(binding.populations.order_by("sort_order", "code").values_list("code", "psn_types"))
    code = _chosen_population(request, binding, list(psn_types))
    return None if code is None else tuple(psn_types[code])


def identity_display(request: OperatorRequest) -> IdentityDisplay:
    """How this business page shows 证件号码 and 手机号码: in full only when the operator's grant in
    the current unit says so (权限管理 → 数据权限)."""
    return IdentityDisplay(full=request.binding.full_identity)
