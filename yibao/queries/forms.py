"""Forms of the 查询服务 pages: shape and field checks only. Every filter is optional except the
证件 of a personal look-up; wrong values get a Chinese message at the field."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms

from yibao.catalog.regions import RegionFilterField, RegionPickerWidget
from yibao.core.forms import date_field
from yibao.core.reference import code_choices
from yibao.enrollment.models import Insurance, PersonnelChange
from yibao.filings.models import Filing

ALL = ("", "全部")


def _choice_field(label: str, choices: Any = ()) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=choices,
        error_messages={"invalid_choice": f"请选择列表中的{label}"},
    )


def _cert_no_field(*, required: bool) -> forms.CharField:
    return forms.CharField(
        label="证件号码",
        required=required,
        max_length=30,
        error_messages={"required": "请输入证件号码", "max_length": "证件号码不能超过30个字符"},
    )


class DateRangeMixin:
    """A 起/止 pair whose end may not come before its start."""

    range_fields = ("start", "end")

    def clean_range(self, data: dict[str, Any]) -> None:
        start_name, end_name = self.range_fields
        start: datetime.date | None = data.get(start_name)
        end: datetime.date | None = data.get(end_name)
        if start and end and end < start:
            cast(forms.Form, self).add_error(end_name, "结束日期不能早于开始日期")


class PersonLookupForm(forms.Form):
    """个人基本信息查询 / 个人参保信息查询: 证件类型 + 证件号码."""

    cert_type = forms.ChoiceField(
        label="证件类型",
        initial="01",
        error_messages={"required": "请选择证件类型", "invalid_choice": "请选择列表中的证件类型"},
    )
    cert_no = _cert_no_field(required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["cert_type"]).choices = code_choices("psn_cert_type")


class RosterQueryForm(DateRangeMixin, forms.Form):
    """职工花名册查询: 姓名, 证件号码, 人员类别, 参保状态, 险种, 参保日期 (起, 止)."""

    name = forms.CharField(
        label="姓名",
        required=False,
        max_length=50,
        help_text="请输入完整姓名",
        error_messages={"max_length": "姓名不能超过50个字"},
    )
    cert_no = _cert_no_field(required=False)
    psn_type = _choice_field("人员类别")
    status = _choice_field("参保状态", [ALL, *Insurance.Status.choices])
    insutype = _choice_field("险种")
    start = date_field("参保日期起", required=False)
    end = date_field("参保日期止", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["psn_type"]).choices = [ALL, *code_choices("psn_type")]
        cast(forms.ChoiceField, self.fields["insutype"]).choices = [ALL, *code_choices("insutype")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["name"] = (data.get("name") or "").strip()
        self.clean_range(data)
        return data


class ChangeQueryForm(DateRangeMixin, forms.Form):
    """单位人员变动查询: 变动类型 and 变动日期 (起, 止)."""

    kind = _choice_field("变动类型", [ALL, *PersonnelChange.Kind.choices])
    start = date_field("变动日期起", required=False)
    end = date_field("变动日期止", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.clean_range(data)
        return data


class FilingQueryForm(DateRangeMixin, forms.Form):
    """异地就医备案信息查询: 证件号码, 姓名, 备案类型, 就医地 (province, then city), 备案状态 and
    开始日期 (起, 止)."""

    cert_no = _cert_no_field(required=False)
    name = forms.CharField(
        label="姓名",
        required=False,
        max_length=50,
        help_text="请输入完整姓名",
        error_messages={"max_length": "姓名不能超过50个字"},
    )
    kind = _choice_field("备案类型", [ALL, *Filing.Kind.choices])
    care_division = RegionFilterField(
        label="就医地", required=False, levels=2, widget=RegionPickerWidget(levels=2)
    )
    status = _choice_field("备案状态", [ALL, *Filing.Status.choices])
    start = date_field("开始日期起", required=False)
    end = date_field("开始日期止", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["name"] = (data.get("name") or "").strip()
        self.clean_range(data)
        return data
