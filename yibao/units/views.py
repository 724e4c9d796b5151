"""The unit admin's pages (单位管理账号): 单位信息, 资质认证, 角色认证, 数字证书 (单位管理首页 is
entry's)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from yibao.accounts.guards import hall_user
from yibao.accounts.models import SmsPurpose
from yibao.accounts.sms_codes import RULES as SMS_RULES
from yibao.accounts.sms_codes import seconds_until_resend, sms_code_send, sms_code_verify
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.file_responses import uploaded_file_response
from yibao.core.forms import add_application_error, without_errors
from yibao.core.masking import mask_phone
from yibao.core.pending import pending_put, pending_take
from yibao.core.profiles import get_profile
from yibao.core.reference import code_label
from yibao.pki.challenges import challenge_issue
from yibao.pki.driver import driver_allow, driver_identity, driver_url
from yibao.pki.forms import DriverAnswerForm
from yibao.units import services
from yibao.units.access import access_licence_submission, access_role, access_unit_certificate
from yibao.units.error_codes import UnitErrorCode
from yibao.units.forms import BaseInfoForm, LicenceUploadForm
from yibao.units.guards import UnitRequest, unit_admin_required
from yibao.units.models import RoleCertification
from yibao.units.selectors import (
    licence_latest,
    role_certification_get,
    role_rows,
    unit_certificates_bound,
    unit_population_rows,
)

CONFIRM_QUESTION = "您当前正在进行数据变更操作，请确定是否继续？"
PENDING_INFO = "unit-info"
INFO_SUCCESS = "更新单位信息成功"
LICENCE_SUBMITTED = "营业执照已提交，请等待医保经办机构审核，审核结果将通过【我的消息】通知"


# --- 单位信息 ------------------------------------------------------------------------------


@unit_admin_required
def unit_info(request: UnitRequest) -> HttpResponse:
    """【单位基础信息】: read-only except 法人手机号 and 地址; 保存 asks for confirmation first."""
    unit = request.unit
    initial = {"legal_rep_mobile": unit.legal_rep_mobile, "address": unit.address}
    form = BaseInfoForm(request.POST if request.method == "POST" else None, initial=initial)
    notice = ""
    if request.method == "POST" and form.is_valid():
        mobile, address = form.cleaned_data["legal_rep_mobile"], form.cleaned_data["address"]
        context = f"unit:{unit.pk}"
        try:
            if "_send_sms" in request.POST:
                if mobile == unit.legal_rep_mobile:
                    raise ApplicationError(
                        UnitErrorCode.NOTHING_CHANGED, "法人手机号未修改，无需验证", field="sms_code"
                    )
                sms_code_send(
                    phone=mobile,
                    purpose=SmsPurpose.CHANGE_LEGAL_MOBILE,
                    origin=RequestOrigin.from_request(request),
                    context=context,
                    action=f"{unit.name[:30]}正在将法人手机号变更为本号码",
                )
                notice = f"短信验证码已发送至{mask_phone(mobile)}，{SMS_RULES.valid_seconds // 60}分钟内有效"
                form = without_errors(BaseInfoForm(request.POST))
            elif mobile == unit.legal_rep_mobile and address == unit.address:
                form.add_error(None, services.NOTHING_CHANGED)
            else:
                if mobile != unit.legal_rep_mobile:
                    # the recovery and verification phone of the unit: its new owner must confirm
                    sms_code_verify(
                        phone=mobile,
                        purpose=SmsPurpose.CHANGE_LEGAL_MOBILE,
                        code=form.cleaned_data["sms_code"],
                        context=context,
                    )
                token = pending_put(
                    request, PENDING_INFO, {"unit": unit.pk, "legal_rep_mobile": mobile, "address": address}
                )
                return render(
                    request,
                    "units/confirm.html",
                    {
                        "question": CONFIRM_QUESTION,
                        "summary": f"修改单位基础信息：法人手机号 {mask_phone(mobile)}；地址 {address}",
                        "action": reverse("units:info-confirm"),
                        "cancel": reverse("units:info"),
                        "token": token,
                    },
                )
        except ApplicationError as error:
            add_application_error(form, error)
    return render(
        request,
        "units/info.html",
        {
            "unit": unit,
            "form": form,
            "tab": "base",
            "emp_type_label": code_label("emp_type", unit.emp_type),
            "notice": notice,
            "resend_in": seconds_until_resend(
                phone=str(form["legal_rep_mobile"].value() or ""), purpose=SmsPurpose.CHANGE_LEGAL_MOBILE
            ),
            "cert_type_label": code_label("psn_cert_type", unit.legal_rep_cert_type),
        },
    )


@require_POST
@unit_admin_required
def unit_info_confirm(request: UnitRequest) -> HttpResponse:
    unit = request.unit
    pending = pending_take(request, PENDING_INFO, request.POST.get("token", ""))
    if "confirm" not in request.POST:
        messages.info(request, "已取消，单位信息未变更")
        return redirect("units:info")
    if pending is None or pending.get("unit") != unit.pk:
        messages.error(request, "操作已过期，请重新填写并保存")
        return redirect("units:info")
    try:
        services.unit_base_info_update(
            unit=unit,
            actor=hall_user(request),
            legal_rep_mobile=pending["legal_rep_mobile"],
            address=pending["address"],
            origin=RequestOrigin.from_request(request),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, INFO_SUCCESS)
    return redirect("units:info")


@unit_admin_required
def unit_populations(request: UnitRequest) -> HttpResponse:
    """【单位管理人群】: the unit's populations and the 人员类别 each covers."""
    unit = request.unit
    return render(
        request,
        "units/populations.html",
        {"unit": unit, "rows": unit_population_rows(unit), "tab": "populations"},
    )


# --- 资质认证 ------------------------------------------------------------------------------


@unit_admin_required
def qualification(request: UnitRequest) -> HttpResponse:
    unit = request.unit
    return render(
        request,
        "units/qualification.html",
        {
            "unit": unit,
            "licence": licence_latest(unit),
            "can_upload": services.licence_submit_refusal(unit) is None,
        },
    )


@unit_admin_required
def qualification_upload(request: UnitRequest) -> HttpResponse:
    """营业执照上传 → 提交."""
    unit = request.unit
    refusal = services.licence_submit_refusal(unit)
    if refusal is not None:
        messages.error(request, refusal.message)
        return redirect("units:qualification")
    posted = request.method == "POST"
    form = LicenceUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.licence_submit(
                unit=unit,
                actor=hall_user(request),
                upload=form.cleaned_data["licence"],
                origin=RequestOrigin.from_request(request),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, LICENCE_SUBMITTED)
            return redirect("units:qualification")
    return render(request, "units/qualification_upload.html", {"form": form})


@unit_admin_required
def qualification_licence_file(request: UnitRequest, submission_id: int) -> HttpResponse:
    """The unit's own licence file (an image inline, a PDF as a download); nobody else's."""
    submission = access_licence_submission(unit=request.unit, submission_id=submission_id)
    return uploaded_file_response(submission.file, submission.content_type, f"营业执照-{submission.pk}")


# --- 角色认证 ------------------------------------------------------------------------------

ROLE_RESULT: dict[str, str] = {
    RoleCertification.Status.CERTIFIED: "{role}角色认证成功",
    RoleCertification.Status.PENDING: "{role}角色认证申请已提交，请等待医保经办机构审核，结果将通过【我的消息】通知",
}


@unit_admin_required
def role_list(request: UnitRequest) -> HttpResponse:
    return render(request, "units/roles.html", {"rows": role_rows(request.unit)})


@unit_admin_required
def role_certify(request: UnitRequest, role: str) -> HttpResponse:
    """去认证 → «确定进行…角色认证» → 确定."""
    unit = request.unit
    unit_role = access_role(role=role)
    if request.method == "POST" and "confirm" in request.POST:
        try:
            certification = services.role_certification_request(
                unit=unit,
                role=unit_role,
                actor=hall_user(request),
                origin=RequestOrigin.from_request(request),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            if certification.status == RoleCertification.Status.FAILED:
                messages.error(request, f"{unit_role.label}角色认证失败：{certification.reason}")
            else:
                messages.success(request, ROLE_RESULT[certification.status].format(role=unit_role.label))
        return redirect("units:roles")
    refusal = services.role_certification_refusal(role_certification_get(unit, unit_role), unit_role)
    if refusal is not None:
        messages.error(request, refusal.message)
        return redirect("units:roles")
    return render(
        request,
        "units/confirm.html",
        {
            "question": f"确定进行{unit_role.label}角色认证吗？",
            "summary": ROLE_HINTS[unit_role.value],
            "action": reverse("units:role-certify", args=[unit_role.value]),
            "cancel": reverse("units:roles"),
            "title": "角色认证",
        },
    )


ROLE_HINTS = {
    "insured": "系统将核对本单位的参保登记信息；无参保记录的，提交医保经办机构审核。",
    "medical": "系统将按本单位统一社会信用代码查询定点医疗机构信息，查询到即认证成功。",
    "pharmacy": "系统将按本单位统一社会信用代码查询定点零售药店信息，查询到即认证成功。",
    "procurement": "认证申请将提交医保经办机构审核，审核结果将通过【我的消息】通知。",
    "pharma": "认证申请将提交医保经办机构审核，审核结果将通过【我的消息】通知。",
}


# --- 数字证书 -------------------------------------------------------------------------------

CERTIFICATE_BOUND = "绑定成功，该数字证书可用于单位 CA 登录"
CERTIFICATE_UNBOUND = "解除绑定成功，该数字证书不能再用于单位 CA 登录"


def _ca_offered() -> None:
    if not get_profile().ca_login:
        raise Http404


@unit_admin_required
@never_cache
def certificate_list(request: UnitRequest) -> HttpResponse:
    """数字证书 (Beijing 002 §三): the certificates bound to the unit (证书主题, 颁发者, 序列号,
    有效期, 绑定时间) with 解除绑定, and 绑定新证书 through the certificate driver the way 单位 CA
    登录 uses it (challenge, signature, verification)."""
    _ca_offered()
    unit = request.unit
    form = DriverAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        origin = RequestOrigin.from_request(request)
        try:
            identity = driver_identity(
                session=request.session,
                purpose="bind",
                challenge=form.cleaned_data["challenge"],
                certificate=form.cleaned_data["certificate"],
                chain=form.chain_list(),
                signature=form.cleaned_data["signature"],
            )
            services.unit_certificate_bind(
                unit=unit, identity=identity, actor=hall_user(request), origin=origin
            )
        except ApplicationError as error:
            audit_event_record(
                actor=hall_user(request),
                action="ca_certificate_bind_refused",
                unit=unit,
                after={"code": str(error.code)},
                origin=origin,
            )
            add_application_error(form, error)
        else:
            messages.success(request, CERTIFICATE_BOUND)
            return redirect("units:certificates")
    response = render(
        request,
        "units/certificates.html",
        {
            "unit": unit,
            "certificates": unit_certificates_bound(unit),
            "now": timezone.now(),
            "form": form,
            "challenge": challenge_issue(request.session, purpose="bind"),
            "selected": form.selected_id(),
            "agent_url": driver_url(),
        },
    )
    return driver_allow(response)


@unit_admin_required
def certificate_unbind(request: UnitRequest, certificate_id: int) -> HttpResponse:
    """解除绑定: the certificate and «确定解除绑定该数字证书吗？» → 确定解除绑定 → «解除绑定成功»."""
    _ca_offered()
    unit = request.unit
    certificate = access_unit_certificate(unit=unit, certificate_id=certificate_id)
    if request.method == "POST":
        try:
            services.unit_certificate_unbind(
                unit=unit,
                certificate_id=certificate.pk,
                actor=hall_user(request),
                origin=RequestOrigin.from_request(request),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, CERTIFICATE_UNBOUND)
        return redirect("units:certificates")
    return render(request, "units/certificate_unbind.html", {"certificate": certificate})
