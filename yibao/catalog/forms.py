"""Query forms of the public catalogues. All are GET forms: the filters live in the address."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from yibao.catalog.models import Drug
from yibao.catalog.regions import RegionFilterField
from yibao.catalog.search import MAX_QUERY_LENGTH
from yibao.catalog.selectors import drug_dosage_forms
from yibao.core.reference import code_choices

ALL = ("", "全部")


def _name_field(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=help_text,
        error_messages={"max_length": f"{label}最多输入{MAX_QUERY_LENGTH}个字"},
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class CatalogQueryForm(forms.Form):
    """Filters that are left empty do not narrow the list."""

    def filters(self) -> dict[str, Any]:
        """The valid filters (an invalid one is reported at its field and ignored)."""
        data = getattr(self, "cleaned_data", {}) or {}
        return {name: data.get(name) or ("" if name != "admdvs" else None) for name in self.fields}


class PharmacyQueryForm(CatalogQueryForm):
    admdvs = RegionFilterField(label="所在区域", required=False)
    name = _name_field("药店名称", "可输入药店名称中的文字或拼音首字母")


class InstitutionQueryForm(CatalogQueryForm):
    admdvs = RegionFilterField(label="所在区域", required=False)
    hosp_lv = forms.ChoiceField(
        label="医院等级", required=False, error_messages={"invalid_choice": "请选择列表中的医院等级"}
    )
    name = _name_field("医疗机构名称", "可输入医疗机构名称中的文字或拼音首字母")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["hosp_lv"]).choices = [ALL, *code_choices("hosp_lv")]


class AgencyQueryForm(CatalogQueryForm):
    admdvs = RegionFilterField(label="所在区域", required=False)
    name = _name_field("经办机构名称")


class DrugQueryForm(CatalogQueryForm):
    name = _name_field("药品名称", "可输入中文名称或拼音首字母，如“阿莫西林”或“amxl”")
    category = forms.ChoiceField(
        label="甲乙类",
        required=False,
        choices=[ALL, *Drug.Category.choices],
        error_messages={"invalid_choice": "请选择甲类或乙类"},
    )
    dosage_form = forms.ChoiceField(
        label="剂型", required=False, error_messages={"invalid_choice": "请选择列表中的剂型"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        forms_list = drug_dosage_forms()
        cast(forms.ChoiceField, self.fields["dosage_form"]).choices = [ALL, *((f, f) for f in forms_list)]


class ServiceItemQueryForm(CatalogQueryForm):
    admdvs = RegionFilterField(label="选择区域", required=False)
    name = _name_field("名称", "可输入项目名称中的文字或拼音首字母")
