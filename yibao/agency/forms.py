"""Forms of the agency workbench: shape and field checks only; the rules live in the services
(a missing reason is worded by `application_reject` / `licence_review`, not here)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from yibao.accounts.forms import captcha_field
from yibao.agency.selectors import PENDING_AGES, QueueFilter
from yibao.cases.models import Status
from yibao.cases.selectors import LINE_NUMBER_QUERY
from yibao.cases.types import application_types
from yibao.core.forms import HallForm
from yibao.core.models import Division
from yibao.core.widgets import KeptPasswordInput

ALL = "all"
STATUS_CHOICES = [
    (Status.SUBMITTED.value, Status.SUBMITTED.label),
    (Status.APPROVED.value, Status.APPROVED.label),
    (Status.REJECTED.value, Status.REJECTED.label),
    (Status.RETURNED.value, Status.RETURNED.label),
    (Status.WITHDRAWN.value, Status.WITHDRAWN.label),
    (ALL, "全部"),
]
AGE_CHOICES = [("", "不限"), *((value, f"超过{days}天") for value, days in PENDING_AGES.items())]


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the address (GET)."""

    type = forms.ChoiceField(label="业务类型", required=False)
    region = forms.ChoiceField(label="医保区划", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_CHOICES)
    age = forms.ChoiceField(label="等待时间", required=False, choices=AGE_CHOICES)
    mine = forms.BooleanField(label="只看我领取的", required=False)

    def __init__(self, *args: Any, regions: list[Division], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.regions = {division.code: division for division in regions}
        kinds = sorted(application_types(), key=lambda kind: kind.name)
        type_field = cast(forms.ChoiceField, self.fields["type"])
        type_field.choices = [("", "全部业务"), *((kind.code, kind.name) for kind in kinds)]
        region_field = cast(forms.ChoiceField, self.fields["region"])
        region_field.choices = [("", "全部负责区划"), *((d.code, f"{d.name}（{d.code}）") for d in regions)]
        for name in ("type", "region", "status", "age"):
            self.fields[name].error_messages["invalid_choice"] = f"请从列表中选择{self.fields[name].label}"

    def chosen(self) -> QueueFilter:
        """The filter to apply; an invalid value falls back to its default (the form shows why)."""
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or Status.SUBMITTED
        age = data.get("age") or ""
        return QueueFilter(
            type_code=data.get("type") or "",
            region=self.regions.get(data.get("region") or ""),
            status="" if status == ALL else status,
            older_than_days=PENDING_AGES.get(age),
            mine=bool(data.get("mine")),
        )


class DecisionForm(forms.Form):
    """审核意见 with the three decisions; the service requires it for 不通过 and 退回补正."""

    APPROVE, REJECT, RETURN = "approve", "reject", "return"

    opinion = forms.CharField(
        label="审核意见",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="通过时可不填；不通过须填写原因，退回补正须写明需要补正的内容，意见将通知单位",
    )
    decision = forms.ChoiceField(
        label="审核结果",
        choices=[(APPROVE, "通过"), (REJECT, "不通过"), (RETURN, "退回补正")],
        error_messages={"required": "请选择审核结果", "invalid_choice": "请选择审核结果"},
        widget=forms.HiddenInput,
    )


class PersonSearchForm(forms.Form):
    """The review page's search of a batch's persons, read from the address (GET): a name, or the
    last 4 characters of an ID number (a whole one never travels in an address, DESIGN §4)."""

    q = forms.CharField(label="姓名或证件号码后4位", required=False, max_length=50)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "persons-%s")
        super().__init__(*args, **kwargs)

    def clean_q(self) -> str:
        query: str = self.cleaned_data["q"].strip()
        if any(char.isdigit() for char in query) and not LINE_NUMBER_QUERY.fullmatch(query):
            raise forms.ValidationError("按证件号码查找时，请只输入证件号码的后4位")
        return query

    def query(self) -> str:
        """What to search for; "" when nothing (or something refused, which the form shows)."""
        return self.cleaned_data["q"] if self.is_bound and self.is_valid() else ""


class CertificationDecisionForm(forms.Form):
    """资质认证 and 角色认证: 通过, or 不通过 with the reason (required by the service)."""

    APPROVE, REJECT = "approve", "reject"

    reason = forms.CharField(
        label="审核意见",
        required=False,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="不通过时必须填写原因，原因将通知单位",
    )
    decision = forms.ChoiceField(
        label="审核结果",
        choices=[(APPROVE, "通过"), (REJECT, "不通过")],
        error_messages={"required": "请选择审核结果", "invalid_choice": "请选择审核结果"},
        widget=forms.HiddenInput,
    )


class StaffLoginForm(HallForm):
    """登录 of agency staff and the system admin (first step)."""

    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=KeptPasswordInput, max_length=128, strip=False)
    captcha = captcha_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "请输入用户名"
        self.fields["password"].error_messages["required"] = "请输入密码"


class StaffCodeForm(HallForm):
    """动态口令: the six digits of the authenticator app, or a recovery code."""

    code = forms.CharField(
        label="动态口令",
        max_length=20,
        help_text="请输入身份验证器上显示的6位数字；手机不在身边时，可输入一个恢复码",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].error_messages["required"] = "请输入动态口令"
