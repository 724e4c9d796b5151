"""单位参保非关键信息变更 and 单位参保关键信息变更 as application types (Henan manual 004, 经办服务):
the record is the unit itself.

Only the fields marked editable (the manual's pencil icon) can change; the application keeps the
values before and after, and approval writes the new values to the unit in the review's
transaction.
"""

from __future__ import annotations

from typing import Any

from django import forms

from yibao.cases.models import Application
from yibao.cases.types import FieldSpec, MaterialSpec, application_type_register
from yibao.changes.kinds import InfoChange, applying, setting_on
from yibao.core.forms import HallForm, check_cert_number, run_check, set_code_choices
from yibao.core.validators.contact import validate_mobile, validate_postcode
from yibao.units.models import Unit
from yibao.units.services import unit_record_change

NON_KEY_FIELDS = (
    FieldSpec("name", "单位名称", editable=False),
    FieldSpec("uscc", "统一社会信用代码", editable=False),
    FieldSpec("contact_name", "联系人"),
    FieldSpec("contact_phone", "联系电话"),
    FieldSpec("contact_address", "单位通讯地址"),
    FieldSpec("postcode", "邮政编码"),
)
KEY_FIELDS = (
    FieldSpec("uscc", "统一社会信用代码", editable=False),
    FieldSpec("division", "医保区划", editable=False),
    FieldSpec("name", "单位名称"),
    FieldSpec("emp_type", "单位类型"),
    FieldSpec("address", "单位注册地址"),
    FieldSpec("legal_rep_name", "法定代表人姓名"),
    FieldSpec("legal_rep_cert_type", "法定代表人证件类型"),
    FieldSpec("legal_rep_cert_no", "法定代表人证件号码"),
)


def _current(fields: tuple[FieldSpec, ...]) -> Any:
    def read(unit: Unit) -> dict[str, Any]:
        return {
            f.name: str(getattr(unit, "division_id" if f.name == "division" else f.name) or "")
            for f in fields
        }

    return read


class NonKeyChangeForm(HallForm):
    contact_name = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.CharField(label="联系电话", max_length=20)
    contact_address = forms.CharField(label="单位通讯地址", max_length=200)
    postcode = forms.CharField(label="邮政编码", max_length=10, required=False)  # optional (national 003)

    def clean_contact_phone(self) -> str:
        value = str(self.cleaned_data["contact_phone"]).strip()
        if value.startswith("1") and len(value) == 11:
            return str(run_check(validate_mobile, value, field="contact_phone"))
        digits = value.replace("-", "")
        if not (digits.isdigit() and 7 <= len(digits) <= 12):
            raise forms.ValidationError("请输入正确的联系电话，如 13912345678 或 0871-63123456")
        return value

    def clean_postcode(self) -> str:
        value = str(self.cleaned_data["postcode"]).strip()
        return str(run_check(validate_postcode, value, field="postcode")) if value else ""


class KeyChangeForm(HallForm):
    name = forms.CharField(label="单位名称", max_length=200)
    emp_type = forms.ChoiceField(label="单位类型")
    address = forms.CharField(label="单位注册地址", max_length=200)
    legal_rep_name = forms.CharField(label="法定代表人姓名", max_length=50)
    legal_rep_cert_type = forms.ChoiceField(label="法定代表人证件类型")
    legal_rep_cert_no = forms.CharField(label="法定代表人证件号码", max_length=30)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_code_choices(self, "emp_type", "emp_type")
        set_code_choices(self, "legal_rep_cert_type", "psn_cert_type", blank=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_cert_number(self, data, type_field="legal_rep_cert_type", number_field="legal_rep_cert_no")
        return data


def _write(application: Application, values: dict[str, Any]) -> None:
    unit_record_change(unit_id=application.unit_id, values=values)


UNIT_INFO_CHANGE = InfoChange(
    code="unit-info-change",
    name="单位参保非关键信息变更",
    item_code="unit-info-change",
    form_page="changes:unit-info-change",
    fields=NON_KEY_FIELDS,
    form=NonKeyChangeForm,
    current=_current(NON_KEY_FIELDS),
    apply=applying(NonKeyChangeForm, _write),
    # Henan 004: 填写所需数据，上传材料，点击“保存”进行业务提交 — the workspace takes the material
    # (the manual names none required: a new contact number has no document to show)
    materials=(MaterialSpec("other", "其他证明材料", required=False, note="如有需要，可上传相关证明材料"),),
    auto_approve=setting_on("YIBAO_UNIT_INFO_AUTO_APPROVE"),
    record="单位信息",
)

UNIT_KEY_INFO_CHANGE = InfoChange(
    code="unit-key-info-change",
    name="单位参保关键信息变更",
    item_code="unit-key-info-change",
    form_page="changes:unit-key-info-change",
    fields=KEY_FIELDS,
    form=KeyChangeForm,
    current=_current(KEY_FIELDS),
    apply=applying(KeyChangeForm, _write),
    printed_form=True,
    materials=(
        MaterialSpec("stamped-form", "单位参保关键信息变更表", note="打印报表后加盖单位公章，扫描或拍照上传"),
        MaterialSpec("licence", "营业执照", note="变更后的营业执照副本复印件加盖公章扫描上传"),
        MaterialSpec(
            "legal-rep-id",
            "法定代表人身份证",
            required=False,
            note="变更法定代表人时上传，复印件加盖公章",
        ),
    ),
    record="单位信息",
    kept=("legal_rep_cert_no",),
)

for _kind in (UNIT_INFO_CHANGE, UNIT_KEY_INFO_CHANGE):
    application_type_register(_kind)
