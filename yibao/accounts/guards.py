"""Route guards on the identity alone: logged in, and of which kind (DESIGN §1).

The guards that also need a unit live with the unit and the operator: `unit_admin_required` in
`yibao.units.guards`, the operator's in `yibao.operators.session`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from yibao.accounts.models import User
from yibao.core.guards import Guard, mark_guard

View = TypeVar("View", bound=Callable[..., HttpResponse])
LOGIN_URL = "entry:login"


def hall_user(request: HttpRequest) -> User:
    """The logged-in user of a guarded view (the guard has checked it is one of ours)."""
    return cast(User, request.user)


def login_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=LOGIN_URL)
        return view(request, *args, **kwargs)

    return mark_guard(cast(View, wrapper), Guard.LOGIN)


def kind_refusal(request: HttpRequest, kind: str) -> HttpResponse | None:
    """Anonymous users are sent to log in; a user of another kind gets 404."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url=LOGIN_URL)
    if getattr(request.user, "kind", None) != kind:
        raise Http404
    return None
