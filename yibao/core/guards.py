"""Route guards. Every view declares who may reach it; a meta-test fails on any that does not.

Object-level checks (`access_*` functions) come on top of these for every object in a URL.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

View = TypeVar("View", bound=Callable[..., HttpResponse])

GUARD_ATTRIBUTE = "yibao_guard"


class Guard:
    PUBLIC = "public"
    STAFF = "staff"
    DEV = "dev"
    LOGIN = "login"  # any logged-in user of the hall
    UNIT_ADMIN = "unit_admin"  # 单位管理账号
    OPERATOR = "operator"  # 经办人 with a chosen, still bound unit
    GRANT = "grant"  # 经办人 with a chosen unit and the business item granted there
    TOKEN = "token"  # noqa: S105 - machine clients of the internal API (bearer token from settings, no session)
    MONITOR = "monitor"  # monitoring systems: a configured address or the metrics token (core.monitoring)


def _mark(view: Any, guard: str) -> Any:
    setattr(view, GUARD_ATTRIBUTE, guard)
    return view


def public_view(view: View) -> View:
    """Open to anyone, logged in or not."""
    return _mark(view, Guard.PUBLIC)


def staff_required(view: View) -> View:
    """Agency staff only (经办机构), logged in with both factors. Others are sent to log in;
    logged-in non-staff get 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_active and user.is_staff):
            raise Http404
        if not staff_verified(request):  # password only: the second factor is still to come
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return _mark(wrapper, Guard.STAFF)


def staff_verified(request: HttpRequest) -> bool:
    """The staff member gave the second factor in this session (django-otp's middleware sets
    `user.is_verified`)."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def dev_affordance(view: View) -> View:
    """Development-only pages: 404 unless YIBAO_DEV_AFFORDANCES is on (DESIGN §6)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.YIBAO_DEV_AFFORDANCES:
            raise Http404
        return view(request, *args, **kwargs)

    return _mark(wrapper, Guard.DEV)


def mark_guard(view: View, guard: str) -> View:
    """For guards defined in other apps (accounts: any login; units: the unit admin; operators: the operator)."""
    return cast(View, _mark(view, guard))
