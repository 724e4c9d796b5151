"""个人中心 → 账户管理. Every change asks «您当前正在进行数据变更操作，请确定是否继续？» first:
the checked change waits in the session (a password only as a hash) until 确定."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yibao.accounts.guards import hall_user
from yibao.accounts.models import SmsPurpose
from yibao.accounts.services import user_password_change
from yibao.accounts.sms_codes import RULES, seconds_until_resend, sms_code_send, sms_code_verify
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.core.forms import add_application_error, without_errors
from yibao.core.masking import mask_phone
from yibao.entry.authentication import operator_of
from yibao.entry.recovery_forms import AddressChangeForm, EmailChangeForm, PasswordChangeForm
from yibao.entry.self_service import hash_new_password, operator_password_check_identity
from yibao.operators.models import Operator
from yibao.operators.services import operator_address_change, operator_email_change
from yibao.operators.session import operator_login_required

PENDING = "yibao_pending_change"
CAPTCHA_OK = "yibao_password_captcha_ok"
CONFIRM_QUESTION = "您当前正在进行数据变更操作，请确定是否继续？"
SUCCESS = {"password": "修改密码成功", "email": "更新经办人信息成功", "address": "更新经办人信息成功"}


def _operator(request: HttpRequest) -> Operator:
    operator = operator_of(hall_user(request))
    if operator is None:
        raise Http404
    return operator


def _confirm(request: HttpRequest, kind: str, value: str, summary: str) -> HttpResponse:
    request.session[PENDING] = {"kind": kind, "value": value}
    return render(
        request,
        "entry/account_confirm.html",
        {"question": CONFIRM_QUESTION, "summary": summary, "kind": kind},
    )


@operator_login_required
def account_home(request: HttpRequest) -> HttpResponse:
    return render(request, "entry/account_home.html", {"operator": _operator(request)})


@operator_login_required
def account_password(request: HttpRequest) -> HttpResponse:
    operator = _operator(request)
    user = hall_user(request)
    data = request.POST if request.method == "POST" else None
    sending = data is not None and "_send_sms" in data
    captcha_passed = request.session.get(CAPTCHA_OK) == operator.pk
    form = PasswordChangeForm(data, sending=sending, captcha_passed=captcha_passed and not sending)
    notice = ""
    if data is not None and "_captcha_refresh" in data:
        without_errors(form)
    elif data is not None and form.is_valid():
        origin = RequestOrigin.from_request(request)
        try:
            operator_password_check_identity(operator=operator, cert_no=form.cleaned_data["cert_no"])
            if sending:
                sms_code_send(phone=operator.mobile, purpose=SmsPurpose.CHANGE_PASSWORD, origin=origin)
                request.session[CAPTCHA_OK] = operator.pk
                notice = (
                    f"短信验证码已发送至{mask_phone(operator.mobile)}，{RULES.valid_seconds // 60}分钟内有效"
                )
                form = without_errors(PasswordChangeForm(data, sending=False, captcha_passed=True))
            else:
                sms_code_verify(
                    phone=operator.mobile,
                    purpose=SmsPurpose.CHANGE_PASSWORD,
                    code=form.cleaned_data["sms_code"],
                )
                request.session.pop(CAPTCHA_OK, None)
                return _confirm(
                    request, "password", hash_new_password(form.cleaned_data["new_password"]), "更换密码"
                )
        except ApplicationError as error:
            add_application_error(form, error)
    return render(
        request,
        "entry/account_password.html",
        {
            "form": form,
            "notice": notice,
            "forced": user.must_change_password,
            "resend_in": seconds_until_resend(phone=operator.mobile, purpose=SmsPurpose.CHANGE_PASSWORD),
        },
    )


def _simple_change(request: HttpRequest, form_class: Any, kind: str, title: str) -> HttpResponse:
    operator = _operator(request)
    form = form_class(request.POST or None, initial={kind: getattr(operator, kind)})
    if request.method == "POST" and form.is_valid():
        value = form.cleaned_data[kind]
        return _confirm(request, kind, value, f"{title}：{value}")
    return render(request, "entry/account_simple.html", {"form": form, "title": title})


@operator_login_required
def account_email(request: HttpRequest) -> HttpResponse:
    return _simple_change(request, EmailChangeForm, "email", "更换邮箱")


@operator_login_required
def account_address(request: HttpRequest) -> HttpResponse:
    return _simple_change(request, AddressChangeForm, "address", "个人地址")


@require_POST
@operator_login_required
def account_confirm(request: HttpRequest) -> HttpResponse:
    pending = request.session.pop(PENDING, None)
    if pending is None or "confirm" not in request.POST:
        messages.info(request, "已取消，信息未变更")
        return redirect("entry:account")
    operator = _operator(request)
    origin = RequestOrigin.from_request(request)
    kind, value = pending["kind"], pending["value"]
    if kind == "password":
        user_password_change(user=operator.user, password_hash=value, origin=origin)
        update_session_auth_hash(request, operator.user)
    elif kind == "email":
        operator_email_change(operator=operator, email=value, origin=origin)
    elif kind == "address":
        operator_address_change(operator=operator, address=value, origin=origin)
    else:
        raise Http404
    messages.success(request, SUCCESS[kind])
    return redirect("entry:account")
