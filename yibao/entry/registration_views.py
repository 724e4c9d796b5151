"""单位注册 wizard: «单位信息录入 → 经办人信息 → 注册完成». Nothing is saved before the end."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from yibao.accounts.models import SmsPurpose
from yibao.accounts.sms_codes import RULES, seconds_until_resend, sms_code_send
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.forms import Blocked, add_application_error, is_refresh, typed_values_forget, without_errors
from yibao.core.guards import public_view
from yibao.core.masking import mask_phone
from yibao.core.profiles import get_profile
from yibao.core.throttle import Throttle
from yibao.entry.error_codes import RegistrationErrorCode
from yibao.entry.registration import (
    TOO_MANY_CHECKS_MESSAGE,
    USCC_REGISTERED_MESSAGE,
    NewOperatorDetails,
    UnitDetails,
    unit_register,
    uscc_registered,
)
from yibao.entry.registration_forms import OperatorStepForm, SendSmsForm, UnitStepForm
from yibao.entry.verified_identity import (
    VerifiedSource,
    VerifiedUnit,
    certificate_reference,
    verified_unit,
    verified_unit_forget,
    verified_unit_keep,
)
from yibao.operators.selectors import operator_for_mobile
from yibao.pki.challenges import challenge_issue
from yibao.pki.driver import driver_allow, driver_identity, driver_url
from yibao.pki.forms import DriverAnswerForm

OPERATOR_LOCKED_TITLE = "经办人账户已锁定"
OPERATOR_LOCKED_HINT = "如忘记该经办人的密码，可通过登录页的“忘记密码”找回经办人密码后再注册。"
WIZARD = "yibao_registration"
DONE = "yibao_registration_done"
STEPS = ("单位信息录入", "经办人信息", "注册完成")
UNIT_FIELDS = (
    "account", "name", "emp_type", "uscc", "address", "postcode",
    "legal_rep_name", "legal_rep_cert_type", "legal_rep_cert_no", "legal_rep_mobile",
)  # fmt: skip


def _state(request: HttpRequest) -> dict[str, Any]:
    state: dict[str, Any] = request.session.get(WIZARD, {})
    return state


def _save_state(request: HttpRequest, state: dict[str, Any]) -> None:
    request.session[WIZARD] = state


def registration_start_verified(request: HttpRequest, unit: VerifiedUnit) -> HttpResponse:
    """Begin 单位注册 from an identity verified by a certificate or the identity platform: the
    wizard starts afresh with 单位名称 and 统一社会信用代码 filled from it and locked."""
    request.session.pop(WIZARD, None)
    verified_unit_keep(request.session, unit)
    return redirect("entry:register")


@public_view
@never_cache
def register_ca(request: HttpRequest) -> HttpResponse:
    """数字证书注册 (Beijing 002 §二): 选择 CA 证书 shows the certificate's 单位名称 and
    统一社会信用代码, 证书密码 goes to the driver, 【验证】 posts the driver's signature over this
    page's challenge; a verified certificate of a unit not yet registered starts the wizard with
    name and USCC locked, and the certificate is bound to the unit when the wizard finishes."""
    if not get_profile().ca_login:
        raise Http404
    form = DriverAnswerForm(request.POST if request.method == "POST" else None)
    registered = False
    if request.method == "POST" and form.is_valid():
        origin = RequestOrigin.from_request(request)
        try:
            identity = driver_identity(
                session=request.session,
                purpose="register",
                challenge=form.cleaned_data["challenge"],
                certificate=form.cleaned_data["certificate"],
                chain=form.chain_list(),
                signature=form.cleaned_data["signature"],
            )
            if uscc_registered(identity.uscc):
                registered = True
                raise ApplicationError(RegistrationErrorCode.USCC_REGISTERED, USCC_REGISTERED_MESSAGE)
        except ApplicationError as error:
            audit_event_record(
                actor=None, action="ca_registration_refused", after={"code": str(error.code)}, origin=origin
            )
            add_application_error(form, error)
        else:
            return registration_start_verified(
                request,
                VerifiedUnit(
                    source=VerifiedSource.CA,
                    name=identity.unit_name,
                    uscc=identity.uscc,
                    reference=certificate_reference(identity),
                ),
            )
    response = render(
        request,
        "entry/register_ca.html",
        {
            "form": form,
            "challenge": challenge_issue(request.session, purpose="register"),
            "selected": form.selected_id(),
            "agent_url": driver_url(),
            "registered": registered,
        },
    )
    return driver_allow(response)


def _registry_answers() -> Throttle:
    return Throttle(
        "register-registry-answers",
        limit=int(settings.YIBAO_REGISTER_CHECKS_PER_IP),
        window_seconds=int(settings.YIBAO_LOGIN_IP_WINDOW_MINUTES) * 60,
    )


def _may_answer(request: HttpRequest) -> bool:
    """Count one answer about who is registered for this address; False past the budget."""
    address = RequestOrigin.from_request(request).ip_address or "unknown"
    if _registry_answers().exceeded(address):
        return False
    _registry_answers().hit(address)
    return True


@public_view
@never_cache  # the form comes back with the passwords typed
def register_unit(request: HttpRequest) -> HttpResponse:
    """Step 1: 单位信息录入."""
    state = _state(request)
    kept = "password_hash" in state
    captcha_passed = bool(state.get("captcha_ok"))
    verified = verified_unit(request.session)
    if request.method == "POST":
        form = UnitStepForm(
            request.POST,
            password_kept=kept,
            captcha_passed=captcha_passed,
            may_answer=lambda: _may_answer(request),
            verified=verified,
        )
        if is_refresh(request.POST):
            without_errors(form)
        elif not form.is_valid() and "captcha" in form.fields and "captcha" not in form.errors:
            state["captcha_ok"] = True  # answered: what was typed stays, the captcha is not asked again
            _save_state(request, state)
            form.fields.pop("captcha")
        elif form.is_valid():
            data = form.cleaned_data
            state["unit"] = {name: data[name] for name in UNIT_FIELDS} | {"admdvs": data["admdvs"]}
            if data["password"]:
                state["password_hash"] = make_password(data["password"])
            _save_state(request, state)
            return redirect("entry:register-operator")
    else:
        initial = dict(state.get("unit", {}))
        form = UnitStepForm(
            initial=initial, password_kept=kept, captcha_passed=captcha_passed, verified=verified
        )
    return render(request, "entry/register_unit.html", {"form": form, "steps": STEPS, "step": 0})


@public_view
@never_cache
def register_operator(request: HttpRequest) -> HttpResponse:
    """Step 2: 经办人信息, with 发送验证码 and the existing-operator case."""
    state = _state(request)
    if "unit" not in state or "password_hash" not in state:
        return redirect("entry:register")
    data = request.POST if request.method == "POST" else None
    mobile = (data.get("mobile", "") if data else state.get("sms_mobile", "")).strip()
    refused = data is not None and bool(mobile) and not _may_answer(request)
    existing = not refused and bool(mobile) and operator_for_mobile(mobile) is not None
    captcha_passed = bool(mobile) and state.get("sms_mobile") == mobile
    form = OperatorStepForm(
        data, existing=existing, captcha_passed=captcha_passed, initial={"mobile": mobile}
    )
    notice = ""
    if refused:  # this address asked too often whether a mobile is registered
        form = without_errors(form)
        form.errors[NON_FIELD_ERRORS] = form.error_class([TOO_MANY_CHECKS_MESSAGE])
    elif data is not None:
        if "_back" in data:
            return redirect("entry:register")
        if "_captcha_refresh" in data:
            without_errors(form)
        elif "_send_sms" in data:
            notice, errors = _send_code(request, state)
            captcha_passed = state.get("sms_mobile") == mobile
            form = without_errors(
                OperatorStepForm(
                    data, existing=existing, captcha_passed=captcha_passed, initial={"mobile": mobile}
                )
            )
            for name, messages in errors.items():
                form.errors[name] = form.error_class(messages)
        elif form.is_valid():
            done = _finish(request, form, state)
            if done is not None:
                return done
    return render(
        request,
        "entry/register_operator.html",
        {
            "form": form,
            "steps": STEPS,
            "step": 1,
            "existing": existing,
            "notice": notice,
            "resend_in": seconds_until_resend(phone=mobile, purpose=SmsPurpose.REGISTER) if mobile else 0,
        },
    )


def _send_code(request: HttpRequest, state: dict[str, Any]) -> tuple[str, dict[str, list[str]]]:
    """Check mobile and captcha, then send the code; return a notice or the errors to show."""
    send_form = SendSmsForm(request.POST)
    if not send_form.is_valid():
        return "", {name: [str(m) for m in messages] for name, messages in send_form.errors.items()}
    mobile = send_form.cleaned_data["mobile"]
    try:
        sms_code_send(phone=mobile, purpose=SmsPurpose.REGISTER, origin=RequestOrigin.from_request(request))
    except ApplicationError as error:
        return "", {"sms_code": [error.message]}
    state["sms_mobile"] = mobile
    _save_state(request, state)
    return f"短信验证码已发送至{mask_phone(mobile)}，{RULES.valid_seconds // 60}分钟内有效", {}


def _finish(request: HttpRequest, form: OperatorStepForm, state: dict[str, Any]) -> HttpResponse | None:
    data = form.cleaned_data
    mobile = data["mobile"]
    operator = operator_for_mobile(mobile)
    if operator is not None and not form.existing:
        # The number turned out to be registered: ask for that operator's password instead.
        form.add_error("mobile", "该手机号已被注册过，无需填写经办人信息，请输入该经办人的登录密码")
        return None
    origin = RequestOrigin.from_request(request)
    try:
        unit = state["unit"]
        result = unit_register(
            unit=UnitDetails(
                account=unit["account"],
                password_hash=state["password_hash"],
                name=unit["name"],
                emp_type=unit["emp_type"],
                division=unit["admdvs"],
                uscc=unit["uscc"],
                address=unit["address"],
                postcode=unit["postcode"],
                legal_rep_name=unit["legal_rep_name"],
                legal_rep_cert_type=unit["legal_rep_cert_type"],
                legal_rep_cert_no=unit["legal_rep_cert_no"],
                legal_rep_mobile=unit["legal_rep_mobile"],
            ),
            mobile=mobile,
            new_operator=None
            if operator is not None
            else NewOperatorDetails(
                name=data["name"],
                cert_type=data["cert_type"],
                cert_no=data["cert_no"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                password_hash=make_password(data["password"]),
            ),
            existing_password=data["password"] if operator is not None else None,
            sms_code=data["sms_code"],
            origin=origin,
            verified=verified_unit(request.session),
        )
    except ApplicationError as error:
        if error.code in {
            RegistrationErrorCode.OPERATOR_PASSWORD_WRONG,
            RegistrationErrorCode.OPERATOR_LOCKED,
        }:
            typed_values_forget(form, "password")
        if error.code is RegistrationErrorCode.OPERATOR_LOCKED:
            form.blocked = Blocked(OPERATOR_LOCKED_TITLE, error.message, OPERATOR_LOCKED_HINT)
            return None
        if error.field in {"account", "uscc"}:
            error = ApplicationError(error.code, f"单位信息：{error.message}（请返回上一步修改）")
        add_application_error(form, error)
        return None
    request.session.pop(WIZARD, None)
    verified_unit_forget(request.session)
    request.session[DONE] = {
        "account": state["unit"]["account"],
        "operator": result.operator.mobile,
    }
    return redirect("entry:register-done")


@public_view
def register_done(request: HttpRequest) -> HttpResponse:
    """Step 3: 注册完成, showing both accounts and counting down to the login page."""
    done = request.session.get(DONE)
    if done is None:
        return redirect("entry:register")
    return render(
        request, "entry/register_done.html", {"done": done, "steps": STEPS, "step": 2, "seconds": 5}
    )
