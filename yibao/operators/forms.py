"""Forms of 单位经办人 management: shapes and field checks only; rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms

from yibao.accounts.forms import captcha_field
from yibao.core.errors import ApplicationError
from yibao.core.forms import HallForm, add_application_error, run_check, set_code_choices
from yibao.core.validators.contact import validate_mobile
from yibao.core.validators.identity import validate_cert_number
from yibao.operators.selectors import GrantGroup
from yibao.units.models import Population

EXISTING_NOTICE = "该手机号已被注册过，无需填写经办人信息"


class AddOperatorForm(HallForm):
    """新增经办人. With `existing`, the mobile belongs to an operator already: only the captcha
    and the SMS code are asked (national manual 003 图13, Beijing 002 §三.3.1)."""

    mobile = forms.CharField(label="手机号", max_length=20)
    name = forms.CharField(label="姓名", max_length=50)
    cert_type = forms.ChoiceField(label="证件类型")
    cert_no = forms.CharField(label="证件号码", max_length=30)
    captcha = captcha_field()
    sms_code = forms.CharField(label="短信验证码", max_length=6)

    PERSONAL = ("name", "cert_type", "cert_no")

    def __init__(
        self,
        *args: Any,
        existing: bool = False,
        sending: bool = False,
        captcha_passed: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.existing = existing
        set_code_choices(self, "cert_type", "psn_cert_type", blank=False)
        self.fields["cert_type"].initial = "01"
        if sending:
            # 发送验证码 needs only the mobile and the captcha.
            for name in (*self.PERSONAL, "sms_code"):
                self.fields[name].required = False
        elif captcha_passed:
            self.fields["captcha"].required = False
            self.fields["captcha"].help_text = "已验证；如需重新获取短信验证码，请重新填写"
        if existing:
            for name in self.PERSONAL:
                del self.fields[name]
            self.fields["mobile"].help_text = EXISTING_NOTICE

    def clean_mobile(self) -> str:
        return str(run_check(validate_mobile, self.cleaned_data["mobile"], field="mobile"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.existing and data.get("cert_type") and data.get("cert_no"):
            try:
                data["cert_no"] = validate_cert_number(data["cert_type"], data["cert_no"], field="cert_no")
            except ApplicationError as error:
                add_application_error(self, error)
        return data


class GrantForm(forms.Form):
    """权限管理: 功能角色 (items, in groups) and 管理人群. Items the unit's roles do not allow are
    shown disabled; the server refuses them whatever is posted."""

    items = forms.MultipleChoiceField(label="功能角色", required=False, widget=forms.CheckboxSelectMultiple)
    populations = forms.MultipleChoiceField(
        label="管理人群", required=False, widget=forms.CheckboxSelectMultiple
    )
    full_identity = forms.BooleanField(label="允许查看完整证件号码和手机号码", required=False)

    def __init__(
        self, *args: Any, groups: list[GrantGroup], populations: list[Population], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.groups = groups
        self.population_list = populations
        self.fields["items"].error_messages["invalid_choice"] = "所选业务不存在或已停用，请刷新页面后重新选择"
        self.fields["populations"].error_messages["invalid_choice"] = (
            "所选管理人群不属于本单位，请刷新页面后重新选择"
        )
        self.fields["items"].choices = [(c.item.code, c.item.name) for g in groups for c in g.choices]  # type: ignore[attr-defined]
        self.fields["populations"].choices = [(p.code, p.name) for p in populations]  # type: ignore[attr-defined]
        self.fields["full_identity"].widget.attrs["aria-describedby"] = "full-identity-hint"


class ResetPasswordForm(HallForm):
    """重置密码: the graphic captcha and an SMS code sent to the unit's verification phone."""

    captcha = captcha_field()
    sms_code = forms.CharField(label="短信验证码", max_length=6)

    def __init__(
        self, *args: Any, sending: bool = False, captcha_passed: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if sending:
            self.fields["sms_code"].required = False
        elif captcha_passed:
            self.fields["captcha"].required = False
            self.fields["captcha"].help_text = "已验证；如需重新获取短信验证码，请重新填写"


class PopulationSwitchForm(forms.Form):
    population = forms.ChoiceField(label="管理人群")

    def __init__(self, *args: Any, populations: list[Population], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["population"].error_messages["invalid_choice"] = "请选择授权给您的管理人群"
        self.fields["population"].choices = [(p.code, p.name) for p in populations]  # type: ignore[attr-defined]
