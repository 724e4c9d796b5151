"""找回密码 pages: choose the way, fill in, 发送验证码, 立即认证, «新密码设置成功»."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from yibao.accounts.authentication import typed_lock_key
from yibao.accounts.models import SmsPurpose
from yibao.accounts.sms_codes import RULES, seconds_until_resend, sms_code_send, sms_code_verify
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.core.forms import Blocked, add_application_error, without_errors
from yibao.core.guards import public_view
from yibao.core.masking import mask_phone
from yibao.entry.error_codes import RecoveryErrorCode
from yibao.entry.recovery import (
    Claimant,
    password_recover,
    recovery_guard,
    recovery_mismatch,
    resolve_operator,
    resolve_unit_by_account,
    resolve_unit_by_uscc,
)
from yibao.entry.recovery_forms import (
    OperatorRecoveryForm,
    RecoveryForm,
    UnitByAccountForm,
    UnitByUsccForm,
)

LIMITED_TITLE = "暂时无法找回密码"
LIMITED_HINT = "验证失败次数过多，为保护账户安全已暂停验证；如无法完成认证，请联系当地医保经办机构。"
DONE = "yibao_recovery_done"
VERIFIED = "yibao_recovery_verified"


@dataclass(frozen=True)
class Way:
    slug: str
    title: str
    form_class: type[RecoveryForm]
    resolve: Callable[[dict[str, Any]], Claimant | None]
    purpose: SmsPurpose
    identity: Callable[[dict[str, Any]], str]


WAYS = {
    way.slug: way
    for way in (
        Way(
            "unit-uscc",
            "通过统一社会信用代码找回单位密码",
            UnitByUsccForm,
            resolve_unit_by_uscc,
            SmsPurpose.RECOVER_UNIT,
            lambda d: typed_lock_key("recover-uscc", d.get("uscc", "")),
        ),
        Way(
            "unit-account",
            "通过单位账号找回单位密码",
            UnitByAccountForm,
            resolve_unit_by_account,
            SmsPurpose.RECOVER_UNIT,
            lambda d: typed_lock_key("recover-account", d.get("account", "")),
        ),
        Way(
            "operator",
            "通过经办人手机号找回经办人密码",
            OperatorRecoveryForm,
            resolve_operator,
            SmsPurpose.RECOVER_OPERATOR,
            lambda d: typed_lock_key("recover-operator", d.get("mobile", "")),
        ),
    )
}


@public_view
def recovery_start(request: HttpRequest) -> HttpResponse:
    return render(request, "entry/recovery_start.html", {"ways": WAYS.values()})


def _recovery(request: HttpRequest, way: Way) -> HttpResponse:
    verified = request.session.get(VERIFIED, {})
    data = request.POST if request.method == "POST" else None
    identity = way.identity(data or {})
    captcha_passed = data is not None and verified.get(way.slug) == identity
    sending = data is not None and "_send_sms" in data
    form = way.form_class(data, sending=sending, captcha_passed=captcha_passed and not sending)
    notice = ""
    phone = ""
    if data is not None and "_captcha_refresh" in data:
        without_errors(form)
    elif data is not None and form.is_valid():
        origin = RequestOrigin.from_request(request)
        key = way.identity(form.cleaned_data)
        try:
            recovery_guard(key=key, origin=origin)
            claimant = way.resolve(form.cleaned_data)
            if claimant is None:
                raise recovery_mismatch(key=key, origin=origin)
            phone = claimant.phone
            if sending:
                sms_code_send(phone=phone, purpose=way.purpose, origin=origin)
                request.session[VERIFIED] = {**verified, way.slug: key}
                notice = f"短信验证码已发送至{mask_phone(phone)}，{RULES.valid_seconds // 60}分钟内有效"
                form = without_errors(way.form_class(data, sending=False, captcha_passed=True))
            else:
                sms_code_verify(phone=phone, purpose=way.purpose, code=form.cleaned_data["sms_code"])
                password_recover(
                    claimant=claimant, new_password=form.cleaned_data["new_password"], key=key, origin=origin
                )
                request.session.pop(VERIFIED, None)
                request.session[DONE] = {
                    "account": claimant.account_label,
                    "operator": way.slug == "operator",
                }
                return redirect("entry:recovery-done")
        except ApplicationError as error:
            if error.code is RecoveryErrorCode.LIMITED:
                form.blocked = Blocked(LIMITED_TITLE, error.message, LIMITED_HINT)
            else:
                add_application_error(form, error)
    return render(
        request,
        "entry/recovery_form.html",
        {
            "form": form,
            "way": way,
            "notice": notice,
            "resend_in": seconds_until_resend(phone=phone, purpose=way.purpose) if phone else 0,
        },
    )


@public_view
@never_cache  # the form comes back with the new passwords typed
def recovery_unit_uscc(request: HttpRequest) -> HttpResponse:
    return _recovery(request, WAYS["unit-uscc"])


@public_view
@never_cache  # the form comes back with the new passwords typed
def recovery_unit_account(request: HttpRequest) -> HttpResponse:
    return _recovery(request, WAYS["unit-account"])


@public_view
@never_cache  # the form comes back with the new passwords typed
def recovery_operator(request: HttpRequest) -> HttpResponse:
    return _recovery(request, WAYS["operator"])


@public_view
def recovery_done(request: HttpRequest) -> HttpResponse:
    done = request.session.pop(DONE, None)
    if done is None:
        return redirect("entry:recovery")
    return render(request, "entry/recovery_done.html", {"done": done, "seconds": 5})
