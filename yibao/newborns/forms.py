"""The 婴幼儿备案 form: shape and field checks only (the rules across fields and records: `rules.py`).

What is asked, and where each field comes from (public descriptions of how a Beijing hospital
enrols a newborn in 城乡居民基本医疗保险 through the «出生一件事» joint service, read against the
national insurance data standard; no form was copied):

| field | source |
|---|---|
| 姓名, 性别, 出生日期 | printed on the 出生医学证明 and asked by every 城乡居民 参保登记 (national fields psn_name, gend, brdy) |
| 出生医学证明编号 | the document the Beijing service starts from; its number is one capital letter and nine digits |
| 身份证号 (optional) | the 公民身份号码 comes with 户口登记, which the joint service may finish after the hospital files: a newborn may not have one yet (national certno, 证件类型 01) |
| 户籍所在地 | Beijing enrols a newborn where the child's 户籍 is registered (the district pays and serves); a non-Beijing 户籍 child living in Beijing is enrolled by residence, so the region is asked down to the county |
| 现居住地址 (optional) | 居住地 of the 参保登记 form; needed when the child is enrolled by residence |
| 与婴幼儿关系, 监护人姓名, 监护人证件类型, 监护人证件号码, 监护人联系电话 | the guardian (父亲, 母亲 or another 监护人) signs for a minor and is the contact for payment and the 医保电子凭证; asked with the guardian's own identity document as the service asks it |
| 出生医学证明 (upload) | the material the agency checks the entries against |

The child is 人员类别 1401 新生儿 of 城乡居民基本医疗保险 (险种 390) by definition, so neither is asked.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms

from yibao.core.forms import HallForm, check_cert_number, date_field, run_check, set_code_choices
from yibao.core.selectors import division_children, division_get
from yibao.core.validators._text import to_halfwidth
from yibao.core.validators.contact import validate_mobile
from yibao.core.validators.identity import validate_resident_id
from yibao.core.validators.names import validate_person_name
from yibao.core.widgets import RegionPickerField
from yibao.newborns.models import InfantFiling

BIRTH_CERT_NO = re.compile(r"[A-Z]\d{9}")
GENDERS = ("1", "2")  # 男, 女: what a 出生医学证明 records

FIELD_ORDER = [
    "name", "gender", "birth_date", "birth_cert_no", "cert_no", "division", "address",
    "guardian_relation", "guardian_name", "guardian_cert_type", "guardian_cert_no", "guardian_phone",
]  # fmt: skip
CHILD_FIELDS = FIELD_ORDER[:7]
GUARDIAN_FIELDS = FIELD_ORDER[7:]


def birth_cert_no_clean(value: str) -> str:
    """出生医学证明编号: one capital letter and nine digits (full-width and lower case accepted)."""
    text = to_halfwidth(str(value or "")).strip().replace(" ", "").upper()
    if not BIRTH_CERT_NO.fullmatch(text):
        raise forms.ValidationError(
            "出生医学证明编号应为1位英文字母加9位数字，如 Q110123456，请核对后重新输入"
        )
    return text


class NewbornForm(HallForm):
    """The payload of a 婴幼儿备案 (the 户籍所在地 as a division code)."""

    field_order = FIELD_ORDER

    name = forms.CharField(label="姓名", max_length=50)
    gender = forms.ChoiceField(label="性别")
    birth_date = date_field("出生日期")
    birth_cert_no = forms.CharField(label="出生医学证明编号", max_length=20)
    cert_no = forms.CharField(
        label="身份证号", max_length=18, required=False, help_text="尚未办理户口登记、没有身份证号的可不填"
    )
    division = forms.CharField(label="户籍所在地", max_length=6)
    address = forms.CharField(label="现居住地址", max_length=200, required=False)
    guardian_relation = forms.ChoiceField(
        label="与婴幼儿关系", choices=[("", "请选择"), *InfantFiling.Relation.choices]
    )
    guardian_name = forms.CharField(label="监护人姓名", max_length=50)
    guardian_cert_type = forms.ChoiceField(label="监护人证件类型")
    guardian_cert_no = forms.CharField(label="监护人证件号码", max_length=30)
    guardian_phone = forms.CharField(
        label="监护人联系电话", max_length=20, help_text="手机号码，用于接收参保缴费通知"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_code_choices(self, "gender", "gend")
        gender = self.fields["gender"]
        gender.choices = [c for c in gender.choices if c[0] in ("", *GENDERS)]  # type: ignore[attr-defined]
        set_code_choices(self, "guardian_cert_type", "psn_cert_type")

    def clean_name(self) -> str:
        return str(run_check(validate_person_name, self.cleaned_data["name"], cert_type="01"))

    def clean_guardian_name(self) -> str:
        return str(run_check(validate_person_name, self.cleaned_data["guardian_name"]))

    def clean_birth_date(self) -> str:
        return str(self.cleaned_data["birth_date"].isoformat())

    def clean_birth_cert_no(self) -> str:
        return birth_cert_no_clean(self.cleaned_data["birth_cert_no"])

    def clean_cert_no(self) -> str:
        value = str(self.cleaned_data.get("cert_no") or "").strip()
        return str(run_check(validate_resident_id, value)) if value else ""

    def clean_division(self) -> str:
        """A region down to its deepest level (a county; a city without counties)."""
        code = str(self.cleaned_data["division"] or "").strip()
        if division_get(code) is None or division_children(code):
            raise forms.ValidationError("请选择户籍所在的省、市和区县")
        return code

    def clean_address(self) -> str:
        return " ".join(str(self.cleaned_data.get("address") or "").split())

    def clean_guardian_phone(self) -> str:
        return str(run_check(validate_mobile, self.cleaned_data["guardian_phone"]))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_cert_number(self, data, type_field="guardian_cert_type", number_field="guardian_cert_no")
        return data


class NewbornPageForm(NewbornForm):
    """The page's form: the 户籍所在地 chosen in the region picker (province, city, county)."""

    division = RegionPickerField(  # type: ignore[assignment]  # a code, chosen level by level
        label="户籍所在地", levels=3, error_messages={"required": "请选择户籍所在地"}
    )
