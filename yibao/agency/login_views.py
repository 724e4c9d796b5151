"""登录 of agency staff and the system admin: 用户名, 密码 and 图形验证码, then 动态口令 (or the
enrollment of an authenticator app on the first login). `staff_login` explains the steps."""

from __future__ import annotations

import base64
import time

import segno
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from yibao.accounts.models import User
from yibao.agency.forms import StaffCodeForm, StaffLoginForm
from yibao.agency.staff_login import (
    staff_app_enroll_confirm,
    staff_app_enrolled,
    staff_app_enrollment,
    staff_code_check,
    staff_password_check,
)
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.forms import add_application_error, typed_values_forget, without_errors
from yibao.core.guards import public_view

PENDING_KEY = "yibao_staff_pending"  # (user id, time): the password step passed, the code not yet
CODES_KEY = "yibao_staff_recovery_codes"
PENDING_SECONDS = 5 * 60
CAPTCHA_REFRESH = "captcha_refresh"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe and target.startswith(("/agency/", "/admin/")) else "/agency/"


def _pending(request: HttpRequest) -> User | None:
    """The staff member who passed the password step in this session, for five minutes."""
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - float(pending[1]) > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=pending[0], is_staff=True, is_active=True).first()


@public_view
@never_cache  # after 换一张 the page carries the typed password back
def staff_login(request: HttpRequest) -> HttpResponse:
    """第一步: 用户名, 密码, 图形验证码."""
    form = StaffLoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if CAPTCHA_REFRESH in request.POST:
            without_errors(form)
        elif form.is_valid():
            try:
                user = staff_password_check(
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                    origin=RequestOrigin.from_request(request),
                )
            except ApplicationError as error:
                add_application_error(form, error)
                typed_values_forget(form, "password")  # a refused password is not shown again
            else:
                if request.user.is_authenticated:
                    auth_logout(request)
                request.session.cycle_key()
                request.session[PENDING_KEY] = (user.pk, time.time())
                return redirect(f"{_step_url(user)}?{urlencode({'next': _next(request)})}")
    return render(request, "agency/login.html", {"form": form, "next": _next(request)})


def _step_url(user: User) -> str:
    return reverse("agency:login-verify" if staff_app_enrolled(user) else "agency:login-setup")


def _finish(request: HttpRequest, user: User, device: object) -> None:
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    request.session.pop(PENDING_KEY, None)
    audit_event_record(actor=user, action="staff_login", origin=RequestOrigin.from_request(request))


@public_view
def staff_login_verify(request: HttpRequest) -> HttpResponse:
    """第二步: 动态口令 from the authenticator app, or a recovery code."""
    user = _pending(request)
    if user is None:
        return redirect("agency:login")
    if not staff_app_enrolled(user):
        return redirect("agency:login-setup")
    form = StaffCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            device = staff_code_check(
                user=user, code=form.cleaned_data["code"], origin=RequestOrigin.from_request(request)
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            _finish(request, user, device)
            return redirect(_next(request))
    context = {"form": form, "next": _next(request), "dev_code": _dev_code(user)}
    return render(request, "agency/login_verify.html", context)


@public_view
def staff_login_setup(request: HttpRequest) -> HttpResponse:
    """First login: enroll an authenticator app (QR code or the secret typed in), confirm it with
    a first code, then see the recovery codes once."""
    user = _pending(request)
    if user is None:
        return redirect("agency:login")
    if staff_app_enrolled(user):
        return redirect("agency:login-verify")
    device = staff_app_enrollment(user)
    form = StaffCodeForm(request.POST if request.method == "POST" else None)
    form.fields["code"].help_text = "请输入身份验证器为“医保公共服务平台”显示的6位数字"
    if request.method == "POST" and form.is_valid():
        origin = RequestOrigin.from_request(request)
        try:
            codes = staff_app_enroll_confirm(
                user=user, device=device, code=form.cleaned_data["code"], origin=origin
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            _finish(request, user, device)
            request.session[CODES_KEY] = codes
            return redirect(f"{reverse('agency:login-recovery-codes')}?{urlencode({'next': _next(request)})}")
    secret = device.bin_key
    text = _base32(secret)
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    return render(
        request,
        "agency/login_setup.html",
        {
            "form": form,
            "qr": qr,
            "secret": " ".join(text[i : i + 4] for i in range(0, len(text), 4)),
            "next": _next(request),
            "dev_code": _dev_code(user),
        },
    )


def _dev_code(user: User) -> str:
    """Development only (YIBAO_DEV_AFFORDANCES, refused by check --deploy): the app's current code,
    so the demo can be tried without an authenticator app — like the captcha's PASSED."""
    if not settings.YIBAO_DEV_AFFORDANCES:
        return ""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "pk").first()
    if device is None:
        return ""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):0{device.digits}d}"


def _base32(secret: bytes) -> str:
    return base64.b32encode(secret).decode().rstrip("=")


@public_view
def staff_recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes, once: shown right after the enrollment, then gone from the session."""
    codes = request.session.pop(CODES_KEY, None)
    if not codes or not request.user.is_authenticated:
        return redirect(_next(request))
    return render(request, "agency/login_codes.html", {"codes": codes, "next": _next(request)})
