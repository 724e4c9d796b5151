"""The unit admin's route guard (单位管理账号)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.http import Http404, HttpRequest, HttpResponse
from django_htmx.middleware import HtmxDetails

from yibao.accounts.guards import hall_user, kind_refusal
from yibao.accounts.models import User
from yibao.core.guards import Guard, mark_guard
from yibao.units.models import Unit

View = TypeVar("View", bound=Callable[..., HttpResponse])


class UnitRequest(HttpRequest):
    """A request a unit guard let through: `unit` is the unit the page acts for (with its
    division). Views annotate their request with it instead of reading an untyped attribute.
    `htmx` is django-htmx's description of every request (its middleware sets it)."""

    unit: Unit
    htmx: HtmxDetails


def unit_admin_required(view: View) -> View:
    """The admin of a unit; sets `request.unit` (with its division)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refusal = kind_refusal(request, User.Kind.UNIT)
        if refusal is not None:
            return refusal
        unit = Unit.objects.filter(account=hall_user(request)).select_related("division").first()
        if unit is None:
            raise Http404
        cast(UnitRequest, request).unit = unit
        return view(request, *args, **kwargs)

    return mark_guard(cast(View, wrapper), Guard.UNIT_ADMIN)
