"""The login page's two forms and 选择单位."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from yibao.accounts.forms import captcha_field
from yibao.core.forms import HallForm
from yibao.core.profiles import get_profile
from yibao.core.widgets import KeptPasswordInput
from yibao.pki.forms import DriverAnswerForm


class UnitLoginForm(HallForm):
    kind = forms.CharField(widget=forms.HiddenInput, initial="unit")
    account = forms.CharField(label="单位账号", max_length=40)
    password = forms.CharField(label="密码", widget=KeptPasswordInput, max_length=64, strip=False)
    captcha = captcha_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        profile = get_profile()
        if profile.combined_login:  # one box for both kinds of account (Beijing)
            self.fields["account"].label = "单位账号/经办人账号"
            self.fields["account"].help_text = "单位管理账号，或经办人手机号"
            self.fields["account"].error_messages["required"] = "请输入单位账号或经办人账号"
        elif profile.uscc_login:
            self.fields["account"].label = "单位账号/统一社会信用代码"
            self.fields["account"].error_messages["required"] = "请输入单位账号或统一社会信用代码"
        self.fields["password"].error_messages["required"] = "请输入密码"


class OperatorLoginForm(HallForm):
    kind = forms.CharField(widget=forms.HiddenInput, initial="operator")
    mobile = forms.CharField(label="经办人手机号", max_length=20)
    password = forms.CharField(label="密码", widget=KeptPasswordInput, max_length=64, strip=False)
    captcha = captcha_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].error_messages["required"] = "请输入密码"


class ChooseUnitForm(HallForm):
    unit = forms.TypedChoiceField(label="选择单位", coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["unit"])
        field.choices = [(u.pk, f"{u.name}（{u.uscc}）") for u in units]
        field.error_messages["required"] = "请选择要登录的单位"
        field.error_messages["invalid_choice"] = "请选择您已绑定的单位"


class CaLoginForm(DriverAnswerForm):
    """单位 CA 登录: what the page posts after the certificate driver signed the challenge."""
