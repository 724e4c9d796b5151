"""The two steps of 单位注册: 单位信息录入 and 经办人信息."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.utils import timezone

from yibao.accounts.forms import captcha_field
from yibao.core.errors import ApplicationError
from yibao.core.forms import HallForm, add_application_error, run_check, set_code_choices
from yibao.core.profiles import get_profile
from yibao.core.validators.account import validate_account_name
from yibao.core.validators.contact import validate_mobile, validate_postcode
from yibao.core.validators.identity import validate_cert_number
from yibao.core.validators.passwords import validate_new_password
from yibao.core.validators.uscc import validate_uscc
from yibao.core.widgets import KeptPasswordInput, PasswordStrengthInput, RegionPickerField
from yibao.entry.national_accounts import uscc_registered_nationally
from yibao.entry.registration import (
    ACCOUNT_TAKEN_MESSAGE,
    NATIONAL_REGISTERED_MESSAGE,
    TOO_MANY_CHECKS_MESSAGE,
    USCC_REGISTERED_MESSAGE,
    USCC_UNKNOWN_MESSAGE,
    account_taken,
    uscc_known,
    uscc_registered,
)
from yibao.entry.verified_identity import VerifiedUnit

PASSWORD_MISMATCH = "两次输入的密码不一致"


def uscc_is_valid(value: str) -> bool:
    try:
        validate_uscc(value)
    except ApplicationError:
        return False
    return True


class UnitStepForm(HallForm):
    """Step 1, 单位信息录入. The password is kept as a hash between the steps."""

    account = forms.CharField(label="账号", max_length=40)
    password = forms.CharField(label="密码", widget=PasswordStrengthInput, max_length=64, strip=False)
    password_confirm = forms.CharField(label="确认密码", widget=KeptPasswordInput, max_length=64, strip=False)
    name = forms.CharField(label="单位名称", max_length=200)
    emp_type = forms.ChoiceField(label="机构类型")
    admdvs = RegionPickerField(label="医保区划")
    uscc = forms.CharField(label="统一社会信用代码", max_length=30)
    address = forms.CharField(label="单位注册地址", max_length=200)
    # Optional: the national manual (003 图3) marks every field of 企业信息 with * but this one.
    postcode = forms.CharField(label="邮政编码", max_length=10, required=False)
    legal_rep_name = forms.CharField(label="法定代表人姓名", max_length=50)
    legal_rep_cert_type = forms.ChoiceField(label="法定代表人证件类型")
    legal_rep_cert_no = forms.CharField(label="法定代表人证件号码", max_length=30)
    legal_rep_mobile = forms.CharField(label="法定代表人移动电话", max_length=20)
    captcha = captcha_field()

    def __init__(
        self,
        *args: Any,
        password_kept: bool = False,
        captcha_passed: bool = False,
        may_answer: Callable[[], bool] | None = None,
        verified: VerifiedUnit | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        profile = get_profile()
        self.verified = verified
        if verified is not None:  # filled from the certificate or the identity platform, locked
            for name in ("name", "uscc"):
                self.fields[name].disabled = True
                self.fields[name].help_text = verified.label
            self.initial.update(name=verified.name, uscc=verified.uscc)
            self.fields["name"].initial = verified.name
            self.fields["uscc"].initial = verified.uscc
        self.password_kept = password_kept
        if captcha_passed:  # answered once in this registration: not asked again
            del self.fields["captcha"]
        # Whether this address may still be told if an account or a USCC is registered
        self.may_answer = may_answer or (lambda: True)
        set_code_choices(self, "emp_type", "emp_type")
        set_code_choices(self, "legal_rep_cert_type", "psn_cert_type", blank=False)
        self.fields["legal_rep_cert_type"].initial = "01"
        self.fields["account"].help_text = profile.account_hint
        self.fields["password"].help_text = profile.password_hint
        if password_kept:
            for name in ("password", "password_confirm"):
                self.fields[name].required = False
            self.fields["password"].help_text = "密码已设置；如需修改，请重新输入密码和确认密码"

    def clean_account(self) -> str:
        account = run_check(validate_account_name, self.cleaned_data["account"], field="account")
        # Mobiles are operators' logins and USCCs log units in: an account may look like neither.
        if re.fullmatch(r"1[3-9]\d{9}", account):
            raise forms.ValidationError("账号不能使用手机号码，请更换")
        if len(account) == 18 and uscc_is_valid(account.upper()):
            raise forms.ValidationError("账号不能使用统一社会信用代码，请更换")
        return str(account)

    def _identifiers(self) -> tuple[str, ...]:
        return tuple(
            str(self.fields[name].initial if self.fields[name].disabled else self.data.get(name, ""))
            for name in ("account", "uscc", "legal_rep_mobile")
        )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if password or not self.password_kept:
            run_check(validate_new_password, password, identifiers=self._identifiers(), field="password")
        return str(password)

    def clean_uscc(self) -> str:
        return str(run_check(validate_uscc, self.cleaned_data["uscc"], field="uscc"))

    def _registry_check(self, data: dict[str, Any]) -> None:
        """Whether the account or the USCC is taken — told (as the manual words it) only to a
        request that answered the captcha, and to an address within its budget of such answers,
        so the form cannot be used to list who is registered."""
        if self.errors.get("captcha") or not {"account", "uscc"} & set(data):
            return
        if not self.may_answer():
            self.add_error(None, TOO_MANY_CHECKS_MESSAGE)
            return
        if "account" in data and account_taken(data["account"]):
            self.add_error("account", ACCOUNT_TAKEN_MESSAGE)
        if "uscc" in data:
            if uscc_registered(data["uscc"]):
                self.add_error("uscc", USCC_REGISTERED_MESSAGE)
            elif uscc_registered_nationally(data["uscc"]):
                self.add_error("uscc", NATIONAL_REGISTERED_MESSAGE)
            elif get_profile().require_known_uscc and not uscc_known(data["uscc"]):
                self.add_error("uscc", USCC_UNKNOWN_MESSAGE)

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data["postcode"].strip()
        return str(run_check(validate_postcode, postcode, field="postcode")) if postcode else ""

    def clean_legal_rep_mobile(self) -> str:
        return str(
            run_check(validate_mobile, self.cleaned_data["legal_rep_mobile"], field="legal_rep_mobile")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password", "") != data.get("password_confirm", "") and "password" in data:
            self.add_error("password_confirm", PASSWORD_MISMATCH)
        if data.get("legal_rep_cert_type") and data.get("legal_rep_cert_no"):
            try:
                data["legal_rep_cert_no"] = validate_cert_number(
                    data["legal_rep_cert_type"], data["legal_rep_cert_no"], field="legal_rep_cert_no"
                )
            except ApplicationError as error:
                add_application_error(self, error)
        self._registry_check(data)
        return data


class OperatorStepForm(HallForm):
    """Step 2, 经办人信息. With `existing`, the mobile belongs to an operator already: only that
    operator's password is asked (Beijing manual, FAQ 6)."""

    mobile = forms.CharField(label="经办人手机号", max_length=20)
    password = forms.CharField(label="经办人密码", widget=PasswordStrengthInput, max_length=64, strip=False)
    password_confirm = forms.CharField(label="确认密码", widget=KeptPasswordInput, max_length=64, strip=False)
    name = forms.CharField(label="经办人姓名", max_length=50)
    cert_type = forms.ChoiceField(label="经办人证件类型")
    cert_no = forms.CharField(label="证件号码", max_length=30)
    valid_from = forms.DateField(
        label="证件有效起始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    valid_to = forms.DateField(
        label="证件有效截止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    captcha = captcha_field()
    sms_code = forms.CharField(label="短信验证码", max_length=6)

    PERSONAL = ("password_confirm", "name", "cert_type", "cert_no", "valid_from", "valid_to")

    def __init__(
        self, *args: Any, existing: bool = False, captcha_passed: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.existing = existing
        if captcha_passed:
            # Answered already to send the SMS code; asked again only to send a new code.
            self.fields["captcha"].required = False
            self.fields["captcha"].help_text = "已验证；如需重新获取短信验证码，请重新填写"
        set_code_choices(self, "cert_type", "psn_cert_type", blank=False)
        self.fields["cert_type"].initial = "01"
        self.fields["password"].help_text = get_profile().password_hint
        for name in ("valid_from", "valid_to"):
            self.fields[name].error_messages["invalid"] = "请输入正确的日期，如 2024-01-31"
        if existing:
            for name in self.PERSONAL:
                del self.fields[name]
            self.fields["password"].widget = KeptPasswordInput()
            self.fields[
                "password"
            ].help_text = "该手机号已被注册过，无需填写经办人信息，请输入该经办人的登录密码"

    def clean_mobile(self) -> str:
        return str(run_check(validate_mobile, self.cleaned_data["mobile"], field="mobile"))

    def _identifiers(self) -> tuple[str, ...]:
        return tuple(str(self.data.get(name, "")) for name in ("mobile", "cert_no"))

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.existing:
            run_check(validate_new_password, password, identifiers=self._identifiers(), field="password")
        return str(password)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.existing:
            return data
        if "password" in data and data.get("password") != data.get("password_confirm"):
            self.add_error("password_confirm", PASSWORD_MISMATCH)
        if data.get("cert_type") and data.get("cert_no"):
            try:
                data["cert_no"] = validate_cert_number(data["cert_type"], data["cert_no"], field="cert_no")
            except ApplicationError as error:
                add_application_error(self, error)
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end:
            if end < start:
                self.add_error("valid_to", "证件有效截止日期不能早于起始日期")
            elif end < timezone.localdate():
                self.add_error("valid_to", "证件已过有效期，请使用有效证件")
        return data


class SendSmsForm(forms.Form):
    """Only what sending the code needs: a valid mobile and the graphic captcha."""

    mobile = forms.CharField(max_length=20, error_messages={"required": "请先输入经办人手机号"})
    captcha = captcha_field()

    def clean_mobile(self) -> str:
        return str(run_check(validate_mobile, self.cleaned_data["mobile"], field="mobile"))
