"""The operator's hall (网上经办, 业务查询, 切换管理人群; 经办人首页 is entry's) and the unit admin's 单位经办人 pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yibao.accounts.guards import hall_user
from yibao.accounts.models import SmsPurpose
from yibao.accounts.sms_codes import RULES, seconds_until_resend, sms_code_send, sms_code_verify
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.core.forms import add_application_error, without_errors
from yibao.core.masking import mask_phone
from yibao.core.pending import pending_put, pending_take
from yibao.core.validators._text import to_halfwidth
from yibao.operators import services
from yibao.operators.access import (
    GrantedRequest,
    access_binding,
    current_population_set,
    grant_required,
)
from yibao.operators.catalogue import ITEM_PAGES
from yibao.operators.error_codes import OperatorErrorCode
from yibao.operators.forms import (
    EXISTING_NOTICE,
    AddOperatorForm,
    GrantForm,
    PopulationSwitchForm,
    ResetPasswordForm,
)
from yibao.operators.models import Binding, MenuGroup
from yibao.operators.selectors import (
    active_binding_count,
    binding_populations,
    grant_groups,
    menu_groups,
    operator_for_mobile,
    operator_menu,
    unit_bindings,
)
from yibao.operators.session import OperatorRequest, operator_required
from yibao.units.guards import UnitRequest, unit_admin_required
from yibao.units.models import Unit
from yibao.units.selectors import unit_roles_held

CONFIRM_QUESTION = "您当前正在进行数据变更操作，请确定是否继续？"
PENDING_BIND = "operator-bind"
CAPTCHA_OK = "yibao_operators_captcha_ok"
PAGE_SIZE = 10


# --- the operator's hall -------------------------------------------------------------------


@operator_required
def service_list(request: OperatorRequest) -> HttpResponse:
    """网上经办 / 业务查询 / 打印服务: every business item with whether it may be opened."""
    binding = request.binding
    group = request.GET.get("group", "")
    group = group if group in MenuGroup.values else ""
    entries = operator_menu(binding=binding, roles=unit_roles_held(request.unit))
    titles = {"handling": "网上经办", "query": "业务查询", "printing": "打印服务"}
    return render(
        request,
        "operators/services.html",
        {"groups": menu_groups(entries, group=group), "title": titles.get(group, "全部业务")},
    )


@grant_required("*")
def item_page(request: GrantedRequest, item_code: str) -> HttpResponse:
    """A business item the operator may open: its page, or a plain note while it is being built."""
    url_name = ITEM_PAGES.get(item_code)
    if url_name:
        return redirect(url_name)
    return render(request, "operators/item_building.html", {"item": request.business_item})


@require_POST
@operator_required
def population_switch(request: OperatorRequest) -> HttpResponse:
    """切换管理人群 among those the grant names."""
    binding = request.binding
    form = PopulationSwitchForm(request.POST, populations=binding_populations(binding))
    if form.is_valid() and current_population_set(request, binding, form.cleaned_data["population"]):
        messages.success(request, "已切换管理人群")
    else:
        messages.error(request, "请选择授权给您的管理人群")
    return redirect("entry:operator-home")


# --- the unit admin's 单位经办人 ------------------------------------------------------------


@unit_admin_required
def operator_list(request: UnitRequest) -> HttpResponse:
    unit = request.unit
    page = Paginator(unit_bindings(unit), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "operators/list.html",
        {"page_obj": page, "only_one": page.paginator.count <= 1, "last_reason": services.LAST_OPERATOR},
    )


def _bind_context(unit: Unit) -> str:
    return f"unit:{unit.pk}"


def _reset_context(binding: Binding) -> str:
    return f"binding:{binding.pk}"


def _mobile_of(data: Any) -> str:
    """The mobile as the form will clean it (full-width digits become ASCII)."""
    return to_halfwidth(str(data.get("mobile", ""))).strip()


@unit_admin_required
def operator_add(request: UnitRequest) -> HttpResponse:
    """新增经办人: 手机号 first; a number that already has an operator needs only the codes."""
    unit = request.unit
    data = request.POST if request.method == "POST" else None
    sending = data is not None and "_send_sms" in data
    mobile = _mobile_of(data or {})
    # Whether the number already has an operator is told only after the captcha was answered
    # for that number (发送验证码), so the page cannot be used to probe numbers.
    known = bool(mobile) and operator_for_mobile(mobile) is not None
    captcha_passed = request.session.get(CAPTCHA_OK) == [unit.pk, mobile]
    existing = known and captcha_passed and not sending
    form = AddOperatorForm(
        data, existing=existing, sending=sending, captcha_passed=captcha_passed and not sending
    )
    notice = EXISTING_NOTICE if existing else ""
    if data is not None and "_captcha_refresh" in data:
        without_errors(form)
    elif data is not None and form.is_valid():
        mobile = form.cleaned_data["mobile"]
        try:
            if unit.bindings.filter(operator__mobile=mobile, status=Binding.Status.ACTIVE).exists():
                raise ApplicationError(
                    OperatorErrorCode.ALREADY_BOUND, services.ALREADY_BOUND, field="mobile"
                )
            if sending:
                sms_code_send(
                    phone=mobile,
                    purpose=SmsPurpose.BIND_OPERATOR,
                    origin=RequestOrigin.from_request(request),
                    context=_bind_context(unit),
                    action=f"{services.short_name(unit.name)}正在将您绑定为单位经办人",
                )
                request.session[CAPTCHA_OK] = [unit.pk, mobile]
                existing = known
                notice = " ".join(
                    part
                    for part in (
                        EXISTING_NOTICE if existing else "",
                        f"短信验证码已发送至{mask_phone(mobile)}，{RULES.valid_seconds // 60}分钟内有效",
                    )
                    if part
                )
                form = without_errors(AddOperatorForm(data, existing=existing, captcha_passed=True))
            else:
                sms_code_verify(
                    phone=mobile,
                    purpose=SmsPurpose.BIND_OPERATOR,
                    code=form.cleaned_data["sms_code"],
                    context=_bind_context(unit),
                )
                request.session.pop(CAPTCHA_OK, None)
                pending = {"unit": unit.pk, "mobile": mobile}
                if not existing:
                    pending |= {k: form.cleaned_data[k] for k in AddOperatorForm.PERSONAL}
                token = pending_put(request, PENDING_BIND, pending)
                return _confirm_page(
                    request,
                    action=reverse("operators:add-confirm"),
                    summary=f"新增经办人：{pending.get('name') or '已注册经办人'}（{mask_phone(mobile)}）",
                    cancel=reverse("operators:list"),
                    fields={"token": token},
                )
        except ApplicationError as error:
            add_application_error(form, error)
    return render(
        request,
        "operators/add.html",
        {
            "form": form,
            "existing": existing,
            "notice": notice,
            "resend_in": seconds_until_resend(phone=mobile, purpose=SmsPurpose.BIND_OPERATOR)
            if mobile
            else 0,
        },
    )


def _confirm_page(
    request: HttpRequest, *, action: str, summary: str, cancel: str, fields: dict[str, str] | None = None
) -> HttpResponse:
    return render(
        request,
        "operators/confirm.html",
        {
            "question": CONFIRM_QUESTION,
            "summary": summary,
            "action": action,
            "cancel": cancel,
            "fields": fields or {},
        },
    )


@require_POST
@unit_admin_required
def operator_add_confirm(request: UnitRequest) -> HttpResponse:
    unit = request.unit
    pending = pending_take(request, PENDING_BIND, request.POST.get("token", ""))
    if "confirm" not in request.POST:
        messages.info(request, "已取消，未新增经办人")
        return redirect("operators:list")
    if pending is None or pending.get("unit") != unit.pk:
        messages.error(request, "操作已过期，请重新填写经办人信息")
        return redirect("operators:add")
    new = None
    if "name" in pending:
        new = services.NewOperator(
            name=pending["name"], cert_type=pending["cert_type"], cert_no=pending["cert_no"]
        )
    try:
        result = services.operator_bind(
            unit=unit,
            actor=hall_user(request),
            mobile=pending["mobile"],
            new=new,
            origin=RequestOrigin.from_request(request),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("operators:add")
    if result.created:  # the initial password is queued, not sent yet
        messages.success(
            request,
            f"{services.BIND_SUCCESS}。初始密码将通过短信发送至经办人手机{mask_phone(pending['mobile'])}",
        )
    else:
        messages.success(request, services.BIND_SUCCESS)
    return redirect("operators:list")


@unit_admin_required
def operator_grants(request: UnitRequest, binding_id: int) -> HttpResponse:
    """权限管理: 功能角色 and 管理人群 of one operator of this unit."""
    unit = request.unit
    binding = access_binding(unit=unit, binding_id=binding_id)
    roles = unit_roles_held(unit)
    groups = grant_groups(binding=binding, roles=roles)
    populations = services.populations_available(unit)
    initial = {
        "items": list(binding.grants.values_list("item__code", flat=True)),
        "populations": list(binding.populations.values_list("code", flat=True)),
        "full_identity": binding.full_identity,
    }
    form = GrantForm(request.POST or None, groups=groups, populations=populations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.operator_grants_set(
                unit=unit,
                binding=binding,
                item_codes=set(form.cleaned_data["items"]),
                population_codes=set(form.cleaned_data["populations"]),
                actor=hall_user(request),
                origin=RequestOrigin.from_request(request),
                full_identity=form.cleaned_data["full_identity"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, "成功")
            return redirect("operators:list")
    selected = set(form["items"].value() or [])
    return render(
        request,
        "operators/grants.html",
        {"form": form, "binding": binding, "groups": groups, "selected": selected, "populations": populations,
         "selected_populations": set(form["populations"].value() or [])},
    )  # fmt: skip


@unit_admin_required
def operator_reset_password(request: UnitRequest, binding_id: int) -> HttpResponse:
    """重置密码: captcha and an SMS code to the unit's verification phone, then a new password
    goes to the operator by SMS."""
    unit = request.unit
    binding = access_binding(unit=unit, binding_id=binding_id)
    phone = services.unit_verification_phone(unit)
    data = request.POST if request.method == "POST" else None
    sending = data is not None and "_send_sms" in data
    captcha_passed = request.session.get(CAPTCHA_OK) == [unit.pk, f"reset:{binding.pk}"]
    form = ResetPasswordForm(data, sending=sending, captcha_passed=captcha_passed and not sending)
    notice = ""
    if data is not None and "_captcha_refresh" in data:
        without_errors(form)
    elif data is not None and not phone:
        form.add_error(None, "单位未登记法人手机号，无法接收短信验证码，请先在【单位信息】中维护法人手机号")
    elif data is not None and form.is_valid():
        origin = RequestOrigin.from_request(request)
        try:
            if sending:
                sms_code_send(
                    phone=phone,
                    purpose=SmsPurpose.RESET_OPERATOR,
                    origin=origin,
                    context=_reset_context(binding),
                    action=f"{services.short_name(unit.name)}正在重置经办人{binding.operator.name}的登录密码",
                )
                request.session[CAPTCHA_OK] = [unit.pk, f"reset:{binding.pk}"]
                notice = f"短信验证码已发送至{mask_phone(phone)}，{RULES.valid_seconds // 60}分钟内有效"
                form = without_errors(ResetPasswordForm(data, captcha_passed=True))
            else:
                sms_code_verify(
                    phone=phone,
                    purpose=SmsPurpose.RESET_OPERATOR,
                    code=form.cleaned_data["sms_code"],
                    context=_reset_context(binding),
                )
                request.session.pop(CAPTCHA_OK, None)
                services.operator_password_reset(
                    unit=unit, binding=binding, actor=hall_user(request), origin=origin
                )
                messages.success(  # queued: the SMS goes out from the task worker
                    request,
                    f"修改密码成功，新密码将通过短信发送至经办人手机{mask_phone(binding.operator.mobile)}",
                )
                return redirect("operators:list")
        except ApplicationError as error:
            add_application_error(form, error)
    return render(
        request,
        "operators/reset_password.html",
        {
            "form": form,
            "binding": binding,
            "phone": phone,
            "notice": notice,
            "resend_in": seconds_until_resend(phone=phone, purpose=SmsPurpose.RESET_OPERATOR) if phone else 0,
        },
    )


@unit_admin_required
def operator_unbind(request: UnitRequest, binding_id: int) -> HttpResponse:
    """解除绑定: «您确定要解绑与经办人的业务关系吗？» → 确定解绑 → 确定 → «解绑成功»."""
    unit = request.unit
    binding = access_binding(unit=unit, binding_id=binding_id)
    if request.method == "POST" and "confirm" in request.POST:
        try:
            services.operator_unbind(
                unit=unit,
                binding_id=binding.pk,
                actor=hall_user(request),
                origin=RequestOrigin.from_request(request),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "解绑成功")
        return redirect("operators:list")
    if request.method == "POST":
        return _confirm_page(
            request,
            action=reverse("operators:unbind", args=[binding.pk]),
            summary=f"解除绑定：{binding.operator.name}（{mask_phone(binding.operator.mobile)}）",
            cancel=reverse("operators:list"),
        )
    return render(
        request,
        "operators/unbind.html",
        {
            "binding": binding,
            "only_one": active_binding_count(unit) <= 1,
            "last_reason": services.LAST_OPERATOR,
        },
    )
