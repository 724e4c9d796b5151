"""Forms of 找回密码. `sending=True` checks only what is needed to send the SMS code."""

from __future__ import annotations

from typing import Any

from django import forms

from yibao.accounts.forms import captcha_field
from yibao.core.errors import ApplicationError
from yibao.core.forms import HallForm, add_application_error, run_check, set_code_choices
from yibao.core.profiles import get_profile
from yibao.core.validators.contact import validate_mobile
from yibao.core.validators.identity import validate_cert_number
from yibao.core.validators.passwords import validate_new_password
from yibao.core.validators.uscc import validate_uscc
from yibao.core.widgets import KeptPasswordInput, PasswordStrengthInput
from yibao.entry.registration_forms import PASSWORD_MISMATCH

FINAL_ONLY = ("new_password", "new_password_confirm", "sms_code")
# What a new password may not resemble: whichever of these the form asks for.
IDENTIFIERS = ("account", "uscc", "mobile", "cert_no", "legal_rep_cert_no")


class RecoveryForm(HallForm):
    new_password = forms.CharField(label="新密码", widget=PasswordStrengthInput, max_length=64, strip=False)
    new_password_confirm = forms.CharField(
        label="确认密码", widget=KeptPasswordInput, max_length=64, strip=False
    )
    captcha = captcha_field()
    sms_code = forms.CharField(label="短信验证码", max_length=6)

    def __init__(
        self, *args: Any, sending: bool = False, captcha_passed: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password"].help_text = get_profile().password_hint
        # Details first, secrets last: move the shared fields to the end.
        for name in ("new_password", "new_password_confirm", "captcha", "sms_code"):
            self.fields[name] = self.fields.pop(name)
        if sending:
            for name in FINAL_ONLY:
                self.fields[name].required = False
        if captcha_passed:
            # Answered already to send the SMS code; asked again only to send a new code.
            self.fields["captcha"].required = False
            self.fields["captcha"].help_text = "已验证；如需重新获取短信验证码，请重新填写"
        self.sending = sending

    def clean_new_password(self) -> str:
        password = self.cleaned_data["new_password"]
        if password or not self.sending:
            identifiers = tuple(str(self.data.get(name, "")) for name in IDENTIFIERS)
            run_check(validate_new_password, password, identifiers=identifiers, field="new_password")
        return str(password)

    def clean_mobile(self) -> str:
        mobile = self.cleaned_data.get("mobile", "")
        if not mobile:
            return ""
        return str(run_check(validate_mobile, mobile, field="mobile"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not self.sending
            and "new_password" in data
            and data["new_password"] != data.get("new_password_confirm")
        ):
            self.add_error("new_password_confirm", PASSWORD_MISMATCH)
        return data


class UnitByUsccForm(RecoveryForm):
    unit_name = forms.CharField(label="单位名称", max_length=200)
    uscc = forms.CharField(label="统一社会信用代码", max_length=30)
    legal_rep_name = forms.CharField(label="法人姓名", max_length=50)
    legal_rep_cert_type = forms.ChoiceField(label="法人证件类型")
    legal_rep_cert_no = forms.CharField(label="法人证件号码", max_length=30)
    verifier = forms.ChoiceField(
        label="联系验证人", choices=[("legal_rep", "法人"), ("operator", "经办人")], widget=forms.RadioSelect
    )
    verifier_name = forms.CharField(label="验证人名称", max_length=50)
    mobile = forms.CharField(
        label="经办人手机号",
        max_length=20,
        help_text=(
            "短信验证码发送至此手机号。联系验证人为法人时，可填写本人（新经办人）的手机号，"
            "重置后将短信告知单位登记的法人手机号；联系验证人为经办人时，请填写该经办人绑定本单位的手机号"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_code_choices(self, "legal_rep_cert_type", "psn_cert_type", blank=False)
        self.fields["legal_rep_cert_type"].initial = "01"
        self.fields["verifier"].initial = "legal_rep"

    def clean_uscc(self) -> str:
        return str(run_check(validate_uscc, self.cleaned_data["uscc"], field="uscc"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("legal_rep_cert_type") and data.get("legal_rep_cert_no"):
            try:
                data["legal_rep_cert_no"] = validate_cert_number(
                    data["legal_rep_cert_type"], data["legal_rep_cert_no"], field="legal_rep_cert_no"
                )
            except ApplicationError as error:
                add_application_error(self, error)
        return data


class UnitByAccountForm(RecoveryForm):
    account = forms.CharField(label="单位账号", max_length=40)
    uscc = forms.CharField(label="统一社会信用代码", max_length=30)
    operator_name = forms.CharField(label="经办人姓名", max_length=50)
    mobile = forms.CharField(label="经办人手机号", max_length=20)

    def clean_uscc(self) -> str:
        return str(run_check(validate_uscc, self.cleaned_data["uscc"], field="uscc"))


class OperatorRecoveryForm(RecoveryForm):
    mobile = forms.CharField(label="经办人手机号", max_length=20)
    cert_no = forms.CharField(label="经办人身份证", max_length=30, help_text="请输入经办人身份证号")

    def clean_cert_no(self) -> str:
        return str(run_check(validate_cert_number, "01", self.cleaned_data["cert_no"], field="cert_no"))


class PasswordChangeForm(RecoveryForm):
    """更换密码: 证件号码 + 图形验证码 + 短信验证码 + the new password."""

    cert_no = forms.CharField(label="证件号码", max_length=30, help_text="请输入经办人本人的证件号码")


class EmailChangeForm(HallForm):
    email = forms.EmailField(
        label="邮箱", max_length=254, error_messages={"invalid": "请输入正确的邮箱地址，如 name@example.com"}
    )


class AddressChangeForm(HallForm):
    address = forms.CharField(label="个人地址", max_length=200)
