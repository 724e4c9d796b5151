"""Forms of the core pages, and helpers every form of the hall uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django import forms
from django.forms.utils import ErrorDict
from django.http import QueryDict

from yibao.core.errors import ApplicationError
from yibao.core.reference import code_choices
from yibao.core.uploads import upload_check
from yibao.core.validators.account import validate_account_name
from yibao.core.validators.contact import validate_mobile, validate_postcode
from yibao.core.validators.identity import validate_cert_number
from yibao.core.validators.passwords import validate_new_password
from yibao.core.validators.uscc import validate_uscc
from yibao.core.widgets import REFRESH_FIELD, PasswordStrengthInput, RegionPickerField

DATE_FORMAT = "%Y-%m-%d"


def date_field(label: str, *, required: bool = True) -> forms.DateField:
    """A date typed in a browser's date picker (年-月-日), with the message the hall uses."""
    return forms.DateField(
        label=label,
        required=required,
        input_formats=[DATE_FORMAT],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        error_messages={"invalid": f"{label}格式不正确，请按“年-月-日”填写，如 2026-01-31"},
    )


F = TypeVar("F", bound=forms.BaseForm)


def is_refresh(data: Any) -> bool:
    """True when the no-JS 选择 button of a region picker submitted the form."""
    return REFRESH_FIELD in data


def without_errors(form: F) -> F:
    """Show a bound form again with what was entered, but no errors (after a 选择 refresh)."""
    form._errors = ErrorDict()  # type: ignore[attr-defined]  # shown as entered, not validated
    return form


def typed_values_forget(form: forms.BaseForm, *names: str) -> None:
    """Show these fields empty when the bound form comes back (a password found wrong)."""
    data = form.data.copy() if isinstance(form.data, QueryDict) else dict(form.data)
    for name in names:
        data[name] = ""
    form.data = data


def add_application_error(form: forms.BaseForm, error: ApplicationError) -> None:
    """Show a service's error at its field, or at the top of the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@dataclass(frozen=True)
class Blocked:
    """Why a form cannot go on for now (a lockout): shown on its own, not as a typing error."""

    title: str
    message: str
    hint: str = ""


class HallForm(forms.Form):
    """Base form of the hall: empty required fields are worded 请输入…/请选择… by field kind.

    `blocked` says the form cannot go on for now whatever is typed (an account locked after too
    many failures): the error summary shows it under its own title, not «提交的信息有误».
    """

    blocked: Blocked | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, RegionPickerField):
                continue
            if isinstance(field.widget, forms.FileInput):
                verb = "请上传"
            elif isinstance(field.widget, forms.Select | forms.CheckboxInput):
                verb = "请选择"
            else:
                verb = "请输入"
            field.error_messages["required"] = f"{verb}{field.label}"


class DivisionQueryForm(forms.Form):
    admdvs = RegionPickerField(label="医保区划", required=False)


class ComponentGalleryForm(HallForm):
    """Every shared field of the hall with its server-side check (development page)."""

    uscc = forms.CharField(label="统一社会信用代码", max_length=30)
    cert_type = forms.ChoiceField(label="证件类型")
    cert_no = forms.CharField(label="证件号码", max_length=30)
    mobile = forms.CharField(label="手机号码", max_length=20)
    postcode = forms.CharField(label="邮政编码", max_length=10)
    account = forms.CharField(label="账号", max_length=40)
    password = forms.CharField(label="密码", widget=PasswordStrengthInput, max_length=64, strip=False)
    admdvs = RegionPickerField(label="医保区划")
    attachment = forms.FileField(label="附件上传", required=False, help_text="支持 jpg、png、pdf")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from yibao.core.profiles import get_profile

        profile = get_profile()
        cert_field = cast(forms.ChoiceField, self.fields["cert_type"])
        cert_field.choices = code_choices("psn_cert_type")
        cert_field.initial = "01"
        self.fields["account"].help_text = profile.account_hint
        self.fields["password"].help_text = profile.password_hint

    @staticmethod
    def _run(name: str, check: Any, *args: Any) -> Any:
        try:
            return check(*args, field=name)
        except ApplicationError as error:
            raise forms.ValidationError(error.message, code=str(error.code)) from error

    def clean_uscc(self) -> str:
        return self._run("uscc", validate_uscc, self.cleaned_data["uscc"])

    def clean_mobile(self) -> str:
        return self._run("mobile", validate_mobile, self.cleaned_data["mobile"])

    def clean_postcode(self) -> str:
        return self._run("postcode", validate_postcode, self.cleaned_data["postcode"])

    def clean_account(self) -> str:
        return self._run("account", validate_account_name, self.cleaned_data["account"])

    def clean_password(self) -> str:
        return self._run("password", validate_new_password, self.cleaned_data["password"])

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if upload is None:
            return None
        return self._run("attachment", upload_check, upload)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_cert_number(self, data, type_field="cert_type", number_field="cert_no")
        return data


def check_cert_number(
    form: forms.BaseForm, data: dict[str, Any], *, type_field: str, number_field: str
) -> None:
    """In a form's clean(): an ID number checked against its 证件类型 once both are given, then
    kept in `data` as the validator writes it; its error shown at the number's field."""
    if data.get(type_field) and data.get(number_field):
        try:
            data[number_field] = validate_cert_number(
                data[type_field], data[number_field], field=number_field
            )
        except ApplicationError as error:
            add_application_error(form, error)


def run_check(check: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a validator in a form's clean_<field>; its ApplicationError becomes the field error."""
    try:
        return check(*args, **kwargs)
    except ApplicationError as error:
        raise forms.ValidationError(error.message, code=str(error.code)) from error


def set_code_choices(form: forms.BaseForm, name: str, table: str, *, blank: bool = True) -> None:
    """Fill a ChoiceField from a reference code table (read when the form is built)."""
    field = cast(forms.ChoiceField, form.fields[name])
    field.choices = ([("", "请选择")] if blank else []) + code_choices(table)
