"""Login and logout, 选择单位 and 切换单位."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from yibao.accounts.error_codes import LoginErrorCode
from yibao.accounts.guards import hall_user, login_required
from yibao.accounts.models import User
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.forms import Blocked, add_application_error, typed_values_forget, without_errors
from yibao.core.guards import GUARD_ATTRIBUTE, Guard, public_view
from yibao.core.profiles import get_profile
from yibao.entry.authentication import (
    LoginKind,
    login_authenticate,
    login_kind_by_shape,
    login_kind_combined,
    operator_unit_choose,
    operator_units,
)
from yibao.entry.ca_login import ca_login_authenticate
from yibao.entry.forms import CaLoginForm, ChooseUnitForm, OperatorLoginForm, UnitLoginForm
from yibao.entry.oidc import oidc_form_action_origins, oidc_offered, platform_name
from yibao.operators.session import OperatorRequest, current_unit_set, operator_required
from yibao.pki.challenges import challenge_issue
from yibao.pki.driver import driver_allow, driver_url
from yibao.pki.error_codes import CaErrorCode

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


LOCKED_TITLE = "账户已锁定"
LOCKED_HINT = "如忘记密码，可点击下方“忘记密码”找回，设置新密码后账户立即解锁。"
ADDRESS_LIMITED_TITLE = "暂时无法登录"
# Typed in the other tab: said so, and the typed account and password carried over.
TO_OPERATOR_TAB = (
    "您输入的是手机号码。手机号码是经办人账号，已为您切换到“经办人账号登录”，请输入图形验证码后登录。"
)
TO_UNIT_TAB = "您输入的不是手机号码。经办人账号为手机号码；单位账号请在“单位账号登录”中登录，已为您切换，请输入图形验证码后登录。"
FIELD_OF = {LoginKind.UNIT: "account", LoginKind.OPERATOR: "mobile"}


@public_view
@never_cache  # the form comes back with the password typed
def login(request: HttpRequest) -> HttpResponse:
    """单位账号登录 / 经办人账号登录, two tabs of one page; one box for both under a profile
    with `combined_login` (Beijing)."""
    combined = get_profile().combined_login
    tab = request.POST.get("kind") or request.GET.get("tab") or "unit"
    tab = "unit" if combined or tab not in {"unit", "operator"} else tab
    data = request.POST if request.method == "POST" else None
    unit_form = UnitLoginForm(data if tab == "unit" else None)
    operator_form = OperatorLoginForm(data if tab == "operator" else None)
    form: UnitLoginForm | OperatorLoginForm = unit_form if tab == "unit" else operator_form
    notice = ""
    if data is not None:
        typed = str(data.get(FIELD_OF[LoginKind(tab)], ""))
        other = None if combined else login_kind_by_shape(typed)
        if CAPTCHA_REFRESH in data:
            without_errors(form)
        elif other is not None and other != tab:
            # The account belongs to the other tab: go there with what was typed (a new captcha).
            tab = other
            carried = {FIELD_OF[other]: typed.strip(), "password": str(data.get("password", ""))}
            unit_form, operator_form = (
                (UnitLoginForm(initial=carried), operator_form)
                if other is LoginKind.UNIT
                else (unit_form, OperatorLoginForm(initial=carried))
            )
            notice = TO_OPERATOR_TAB if other is LoginKind.OPERATOR else TO_UNIT_TAB
        elif form.is_valid():
            origin = RequestOrigin.from_request(request)
            identifier = form.cleaned_data[FIELD_OF[LoginKind(tab)]]
            kind = login_kind_combined(identifier) if combined else LoginKind(tab)
            try:
                user = login_authenticate(
                    kind=kind, identifier=identifier, password=form.cleaned_data["password"], origin=origin
                )
            except ApplicationError as error:
                typed_values_forget(form, "password")
                if error.code is LoginErrorCode.LOCKED:
                    form.blocked = Blocked(LOCKED_TITLE, error.message, LOCKED_HINT)
                elif error.code is LoginErrorCode.IP_LIMITED:
                    form.blocked = Blocked(ADDRESS_LIMITED_TITLE, error.message)
                else:
                    add_application_error(form, error)
            else:
                return _logged_in(request, user, kind=kind, origin=origin)
    response = render(
        request,
        "entry/login.html",
        {
            "tab": tab,
            "combined": combined,
            "ca_login": get_profile().ca_login,
            "oidc_login": oidc_offered(),
            "oidc_platform": platform_name(),
            "unit_form": unit_form,
            "operator_form": operator_form,
            "notice": notice,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )
    oidc_form_allow(response)
    return response


def oidc_form_allow(response: HttpResponse) -> None:
    """Let the page's 统一身份认证平台登录 form lead to the platform (CSP form-action)."""
    origins = oidc_form_action_origins()
    if origins:
        response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]


@public_view
@never_cache
def login_ca(request: HttpRequest) -> HttpResponse:
    """单位 CA 登录 (profiles with `ca_login`): the page's script asks the local certificate driver
    for its certificates (选择 CA 证书), has it sign this page's challenge once the 证书密码 is
    typed (checked by the driver, never sent here), and posts certificate and signature."""
    if not get_profile().ca_login:
        raise Http404
    form = CaLoginForm(request.POST if request.method == "POST" else None)
    refusal = None
    if request.method == "POST":
        origin = RequestOrigin.from_request(request)
        if form.is_valid():
            try:
                user, identity = ca_login_authenticate(
                    session=request.session,
                    challenge=form.cleaned_data["challenge"],
                    certificate=form.cleaned_data["certificate"],
                    chain=form.chain_list(),
                    signature=form.cleaned_data["signature"],
                    origin=origin,
                )
            except ApplicationError as error:
                refusal = error.code
                if error.code is LoginErrorCode.IP_LIMITED:
                    form.blocked = Blocked(ADDRESS_LIMITED_TITLE, error.message)
                elif error.code is LoginErrorCode.LOCKED:
                    form.blocked = Blocked(LOCKED_TITLE, error.message)
                else:
                    add_application_error(form, error)
            else:
                detail = {"serial": identity.serial, "issuer": identity.issuer}
                return _logged_in(
                    request, user, kind=LoginKind.UNIT, origin=origin, detail={"via": "ca", **detail}
                )
    # Every showing of the page carries a fresh challenge (the one a post used is gone) and the
    # certificate chosen; the template leaves the signed fields empty.
    response = render(
        request,
        "entry/login_ca.html",
        {
            "form": form,
            "challenge": challenge_issue(request.session),
            "selected": form.selected_id(),
            "agent_url": driver_url(),
            "register_hint": refusal is CaErrorCode.NOT_REGISTERED,
            "bind_hint": refusal is CaErrorCode.NOT_BOUND,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )
    return driver_allow(response)


@public_view
def ca_driver(request: HttpRequest) -> HttpResponse:
    """下载 CA 证书驱动: how to install the certificate driver (here: run the development one)."""
    return render(request, "entry/ca_driver.html", {"agent_url": driver_url()})


def _logged_in(
    request: HttpRequest,
    user: User,
    *,
    kind: LoginKind,
    origin: RequestOrigin,
    detail: dict[str, str] | None = None,
    action: str = "login",
    target: str | None = None,
) -> HttpResponse:
    """Start the session and go where the user was headed (`target`, else the request's `next`;
    or the kind's home page)."""
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    audit_event_record(actor=user, action=action, after={"kind": str(kind), **(detail or {})}, origin=origin)
    if target is None:
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
