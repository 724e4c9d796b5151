"""The form of 定点医药机构信息变更: the 法人 (entered here, not synced), 变更内容 and the
贯标平台变更时间. Shape and field checks only; the rules against the record are `rules.py`'s."""

from __future__ import annotations

from typing import Any

from django import forms

from yibao.core.forms import HallForm, check_cert_number, run_check, set_code_choices
from yibao.core.validators.contact import validate_mobile
from yibao.institutions.rules import (
    CHANGE_ITEMS,
    CLAIM_FIELD,
    claim_parse,
    claim_parse_text,
    items_of,
    needs_claim,
)

CLAIM_HINT = "您在贯标平台完成本次变更的时间，如 2026-05-01 10:20"


class InstitutionChangeForm(HallForm):
    legrep_name = forms.CharField(label="法人姓名", max_length=50)
    legrep_cert_type = forms.ChoiceField(label="法人证件类型")
    legrep_cert_no = forms.CharField(label="法人证件号码", max_length=30)
    legrep_phone = forms.CharField(label="法人联系电话", max_length=20)
    change_items = forms.MultipleChoiceField(
        label="变更内容", choices=CHANGE_ITEMS, widget=forms.CheckboxSelectMultiple
    )
    plaf_changed_at = forms.CharField(
        label="贯标平台变更时间", max_length=25, required=False, help_text=CLAIM_HINT
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_code_choices(self, "legrep_cert_type", "psn_cert_type")
        self.fields["change_items"].error_messages["required"] = "请勾选变更内容（在贯标平台变更的内容）"

    def clean_legrep_phone(self) -> str:
        value = str(self.cleaned_data["legrep_phone"]).strip()
        if value.startswith("1") and len(value) == 11:
            return str(run_check(validate_mobile, value, field="legrep_phone"))
        digits = value.replace("-", "")
        if not (digits.isdigit() and 7 <= len(digits) <= 12):
            raise forms.ValidationError("请输入正确的联系电话，如 13912345678 或 0871-63123456")
        return value

    def clean_plaf_changed_at(self) -> str:
        text = str(self.cleaned_data.get(CLAIM_FIELD) or "").strip()
        if not text:
            return ""
        moment = claim_parse(text)
        if moment is None:
            raise forms.ValidationError(
                "贯标平台变更时间格式不正确，请按“年-月-日 时:分”填写，如 2026-05-01 10:20"
            )
        return claim_parse_text(moment)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_cert_number(self, data, type_field="legrep_cert_type", number_field="legrep_cert_no")
        if (
            "change_items" in data
            and needs_claim(items_of(data))
            and not data.get(CLAIM_FIELD)
            and CLAIM_FIELD not in self.errors
        ):
            self.add_error(CLAIM_FIELD, "请填写贯标平台变更时间（除法人信息外，变更内容须先在贯标平台完成）")
        return data
