"""Login and logout, 选择单位 and 切换单位."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from yibao.accounts.guards import hall_user, login_required
from yibao.accounts.models import User
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.forms import add_application_error, without_errors
from yibao.core.guards import GUARD_ATTRIBUTE, Guard, public_view
from yibao.entry.authentication import LoginKind, login_authenticate, operator_unit_choose, operator_units
from yibao.entry.forms import ChooseUnitForm, OperatorLoginForm, UnitLoginForm
from yibao.operators.session import OperatorRequest, current_unit_set, operator_required

CAPTCHA_REFRESH = "_captcha_refresh"
NEXT_AFTER_UNIT = "yibao_next_after_unit"
# Where `next` may lead after the login: a page of the hall that asks for one, not a step of the
# login itself (a unit admin: only its own pages, Guard.UNIT_ADMIN).
HALL_GUARDS = {Guard.UNIT_ADMIN, Guard.OPERATOR, Guard.GRANT, Guard.LOGIN}
LOGIN_STEPS = {"entry:choose-unit", "entry:logout"}


def _page_guard(target: str) -> str | None:
    """The guard of the hall page at the site-relative address `target`, None for any other."""
    try:
        match = resolve(urlsplit(target).path)
    except Resolver404:
        return None
    return None if match.view_name in LOGIN_STEPS else getattr(match.func, GUARD_ATTRIBUTE, None)


@public_view
def login(request: HttpRequest) -> HttpResponse:
    """单位账号登录 / 经办人账号登录, two tabs of one page."""
    tab = request.POST.get("kind") or request.GET.get("tab") or "unit"
    tab = tab if tab in {"unit", "operator"} else "unit"
    unit_form = UnitLoginForm(request.POST if request.method == "POST" and tab == "unit" else None)
    operator_form = OperatorLoginForm(
        request.POST if request.method == "POST" and tab == "operator" else None
    )
    form = unit_form if tab == "unit" else operator_form
    if request.method == "POST":
        if CAPTCHA_REFRESH in request.POST:
            without_errors(form)
        elif form.is_valid():
            origin = RequestOrigin.from_request(request)
            identifier = form.cleaned_data["account" if tab == "unit" else "mobile"]
            try:
                user = login_authenticate(
                    kind=LoginKind(tab),
                    identifier=identifier,
                    password=form.cleaned_data["password"],
                    origin=origin,
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                audit_event_record(actor=user, action="login", after={"kind": tab}, origin=origin)
                target = request.POST.get("next") or request.GET.get("next", "")
                safe = url_has_allowed_host_and_scheme(
                    target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
                )
                guard = _page_guard(target) if safe else None
                if user.kind == User.Kind.UNIT:
                    return redirect(target if guard == Guard.UNIT_ADMIN else "entry:unit-home")
                if user.must_change_password:
                    return redirect("entry:account-password")
                if guard in HALL_GUARDS:
                    request.session[NEXT_AFTER_UNIT] = target
                return redirect("entry:choose-unit")
    return render(
        request,
        "entry/login.html",
        {
            "tab": tab,
            "unit_form": unit_form,
            "operator_form": operator_form,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )


@login_required
def choose_unit(request: HttpRequest) -> HttpResponse:
    """选择单位: an operator picks which bound unit to act for (确认登录)."""
    user = hall_user(request)
    if user.kind != User.Kind.OPERATOR:
        return redirect("entry:unit-home" if user.kind == User.Kind.UNIT else "portal:home")
    units = operator_units(user)
    form = ChooseUnitForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            unit = operator_unit_choose(user=user, unit_id=form.cleaned_data["unit"])
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            current_unit_set(request, unit)
            audit_event_record(
                actor=user, action="unit_chosen", unit=unit, origin=RequestOrigin.from_request(request)
            )
            return redirect(request.session.pop(NEXT_AFTER_UNIT, None) or "entry:operator-home")
    return render(request, "entry/choose_unit.html", {"form": form, "units": units})


@require_POST
@operator_required
def switch_unit(request: OperatorRequest) -> HttpResponse:
    """The unit switcher of the hall header: change unit without logging out."""
    user = hall_user(request)
    try:
        unit = operator_unit_choose(user=user, unit_id=int(request.POST.get("unit", "0") or 0))
    except (ApplicationError, ValueError):
        messages.error(request, "请选择您已绑定的单位")
    else:
        current_unit_set(request, unit)
        audit_event_record(
            actor=user, action="unit_switched", unit=unit, origin=RequestOrigin.from_request(request)
        )
        messages.success(request, f"已切换到：{unit.name}")
    return redirect("entry:operator-home")


@require_POST
@login_required
def logout(request: HttpRequest) -> HttpResponse:
    audit_event_record(actor=request.user, action="logout", origin=RequestOrigin.from_request(request))  # type: ignore[arg-type]
    auth_logout(request)
    messages.success(request, "您已安全退出登录")
    return redirect("portal:home")
