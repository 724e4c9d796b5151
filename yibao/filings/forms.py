"""Forms of the 备案 pages and payloads: shape and field checks only (the rules are `rules.py`).

Each application type checks its payload with a plain form (the 就医地 as a division code); the
page form is the same with the 就医地 chosen in the region picker (province, then city).
"""

from __future__ import annotations

from typing import Any

from django import forms

from yibao.core.forms import HallForm, check_cert_number, date_field, run_check, set_code_choices
from yibao.core.selectors import division_get
from yibao.core.validators.contact import validate_mobile
from yibao.core.widgets import RegionPickerField
from yibao.filings.models import Filing

AGENT_FIELDS = ("agent_name", "agent_cert_type", "agent_cert_no", "agent_phone", "agent_relation")


def phone_clean(value: str) -> str:
    """联系电话: a mobile number, or a landline with its area code."""
    text = str(value).strip()
    if text.startswith("1") and len(text) == 11:
        return str(run_check(validate_mobile, text))
    digits = text.replace("-", "")
    if not (digits.isdigit() and 7 <= len(digits) <= 12):
        raise forms.ValidationError("请输入正确的联系电话：手机号码，或带区号的固定电话，如 0371-63123456")
    return text


class PersonSearchForm(HallForm):
    """输入身份证号，点击【查询】."""

    cert_no = forms.CharField(label="证件号码", max_length=30)


FIELD_ORDER = [
    "insutype", "care_division", "address", "phone", "start_date", "end_date", "network",
    "out_hospital", "in_hospital", "commitment", *AGENT_FIELDS,
]  # fmt: skip


class FilingForm(HallForm):
    """What every filing and every change of one takes; the forms below add the rest."""

    field_order = FIELD_ORDER

    care_division = forms.CharField(label="就医地", max_length=6)
    address = forms.CharField(label="居外地址", max_length=200, help_text="在就医地的详细居住地址")
    phone = forms.CharField(label="联系电话", max_length=20)
    network = forms.ChoiceField(label="异地联网方式", choices=[("", "请选择"), *Filing.Network.choices])
    agent_name = forms.CharField(label="代办人姓名", max_length=50, required=False)
    agent_cert_type = forms.ChoiceField(label="代办人证件类型", required=False)
    agent_cert_no = forms.CharField(label="代办人证件号码", max_length=30, required=False)
    agent_phone = forms.CharField(label="代办人联系电话", max_length=20, required=False)
    agent_relation = forms.CharField(label="代办人与参保人关系", max_length=20, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "insutype" in self.fields:
            set_code_choices(self, "insutype", "insutype")
        set_code_choices(self, "agent_cert_type", "psn_cert_type")
        if "end_date" in self.fields:
            self.fields["end_date"].help_text = "不填写时按有效期自动计算"

    def clean_care_division(self) -> str:
        code = str(self.cleaned_data["care_division"] or "").strip()
        node = division_get(code)
        parent = division_get(node.parent) if node is not None and node.parent else None
        if node is None or parent is None or parent.parent is not None:
            raise forms.ValidationError("请选择就医地所在的省和市")
        return code

    def clean_phone(self) -> str:
        return phone_clean(self.cleaned_data["phone"])

    def clean_address(self) -> str:
        return " ".join(str(self.cleaned_data["address"]).split())

    def clean_start_date(self) -> str:
        return str(self.cleaned_data["start_date"].isoformat())

    def clean_end_date(self) -> str:
        value = self.cleaned_data.get("end_date")
        return value.isoformat() if value else ""

    def clean_commitment(self) -> str:
        return "1" if self.cleaned_data.get("commitment") else ""

    def clean(self) -> dict[str, Any]:
        """代办人: when someone else files, 姓名, 证件 and 联系电话 are all needed."""
        data = super().clean() or {}
        if not any(str(data.get(name) or "").strip() for name in AGENT_FIELDS):
            return data
        for name in ("agent_name", "agent_cert_type", "agent_cert_no", "agent_phone"):
            if not str(data.get(name) or "").strip() and name not in self.errors:
                self.add_error(name, f"由他人代办时请填写{self.fields[name].label}")
        check_cert_number(self, data, type_field="agent_cert_type", number_field="agent_cert_no")
        phone = str(data.get("agent_phone") or "").strip()
        if phone and "agent_phone" not in self.errors:
            try:
                data["agent_phone"] = phone_clean(phone)
            except forms.ValidationError as error:
                self.add_error("agent_phone", error)
        return data


class LongTermChangeForm(FilingForm):
    """变更备案 of a long-term filing: where and how to reach the person, and the 代办人."""


class ReferralChangeForm(FilingForm):
    """变更备案 of a 转诊 filing: also the 结束日期 and the 转入医院."""

    end_date = date_field("结束日期", required=False)
    in_hospital = forms.CharField(label="转入医院", max_length=100)


class LongTermForm(FilingForm):
    """异地安置退休人员 / 异地长期居住人员 / 常驻异地工作人员备案: long-term, no 结束日期; the
    告知承诺书 where the province takes it."""

    insutype = forms.ChoiceField(label="险种")
    start_date = date_field("开始日期")
    commitment = forms.BooleanField(label="本人已阅读并同意以上承诺", required=False)


class ReferralForm(FilingForm):
    """异地转诊备案: 转出医院 and 转入医院, a 结束日期 within the validity window."""

    insutype = forms.ChoiceField(label="险种")
    start_date = date_field("开始日期")
    end_date = date_field("结束日期", required=False)
    out_hospital = forms.CharField(label="转出医院", max_length=100)
    in_hospital = forms.CharField(label="转入医院", max_length=100)


class CancelForm(HallForm):
    """取消备案: why."""

    cancel_reason = forms.CharField(label="取消原因", max_length=200)


def _with_picker(form: type[FilingForm]) -> type[FilingForm]:
    """The page form: the 就医地 chosen in the region picker (province, then city)."""
    attrs = {
        "care_division": RegionPickerField(
            label="就医地", levels=2, error_messages={"required": "请选择就医地"}
        ),
        "__module__": __name__,
    }
    return type(f"{form.__name__}Page", (form,), attrs)


LongTermPageForm = _with_picker(LongTermForm)
ReferralPageForm = _with_picker(ReferralForm)
LongTermChangePageForm = _with_picker(LongTermChangeForm)
ReferralChangePageForm = _with_picker(ReferralChangeForm)
