"""Which unit an operator is acting for in this session, and the operator's route guards."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from yibao.accounts.guards import kind_refusal
from yibao.accounts.models import User
from yibao.core.guards import Guard, mark_guard
from yibao.operators.hall_frame import CURRENT_UNIT_KEY as CURRENT_UNIT_KEY
from yibao.operators.hall_frame import operator_hall_frame
from yibao.operators.models import Binding
from yibao.units.guards import UnitRequest
from yibao.units.models import Unit

View = TypeVar("View", bound=Callable[..., HttpResponse])


class OperatorRequest(UnitRequest):
    """A request `operator_required` let through: the operator's active `binding` to `unit`."""

    binding: Binding


def current_unit_set(request: HttpRequest, unit: Unit) -> None:
    request.session[CURRENT_UNIT_KEY] = unit.pk


def current_binding(request: HttpRequest) -> Binding | None:
    """The operator's binding to the unit it chose, if still active (checked on every request),
    with the unit (and its division) and the operator: from the hall frame, which is rebuilt from
    the database whenever a binding, grant, role or record it was read from changes."""
    unit_id = request.session.get(CURRENT_UNIT_KEY)
    user = request.user
    if unit_id is None or not isinstance(user, User) or user.kind != User.Kind.OPERATOR:
        return None
    return operator_hall_frame(request).binding


def current_unit(request: HttpRequest) -> Unit | None:
    """The unit the operator chose, if the binding is still active (checked on every request)."""
    binding = current_binding(request)
    return binding.unit if binding is not None else None


def operator_refusal(request: HttpRequest) -> HttpResponse | None:
    """Where to send a request that is not yet an operator's at work: log in, 404 for another
    kind of user, or change a password someone else set. No query."""
    refusal = kind_refusal(request, User.Kind.OPERATOR)
    if refusal is not None:
        return refusal
    if getattr(request.user, "must_change_password", False):
        return redirect("entry:account-password")
    return None


def operator_binding_or_refusal(request: HttpRequest) -> Binding | HttpResponse:
    """The operator's active binding to its current unit, or where to send them first: log in,
    change a password someone else set, or choose a unit they are still bound to."""
    refusal = operator_refusal(request)
    if refusal is not None:
        return refusal
    binding = current_binding(request)
    if binding is None:
        return redirect("entry:choose-unit")
    return binding


def operator_unit_or_refusal(request: HttpRequest) -> Unit | HttpResponse:
    """The operator's current unit, or where to send them first (see `operator_binding_or_refusal`)."""
    binding = operator_binding_or_refusal(request)
    return binding.unit if isinstance(binding, Binding) else binding


def operator_login_required(view: View) -> View:
    """An operator, logged in, with or without a chosen unit (个人中心 pages)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return kind_refusal(request, User.Kind.OPERATOR) or view(request, *args, **kwargs)

    return mark_guard(cast(View, wrapper), Guard.LOGIN)


def operator_required(view: View) -> View:
    """An operator at work in a unit it is still bound to; sets `request.unit` and `request.binding`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        binding = operator_binding_or_refusal(request)
        if not isinstance(binding, Binding):
            return binding
        guarded = cast(OperatorRequest, request)
        guarded.unit, guarded.binding = binding.unit, binding
        return view(request, *args, **kwargs)

    return mark_guard(cast(View, wrapper), Guard.OPERATOR)
