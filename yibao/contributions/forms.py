"""Query forms of 单位缴费信息查询 and 个人缴费信息查询 (shape and field checks only)."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms

from yibao.contributions.models import Contribution
from yibao.contributions.periods import (
    FIRST_YEAR,
    default_range,
    period_add,
    period_read,
    period_span,
    period_text,
)
from yibao.core.reference import code_choices

ALL = ("", "全部")
DEFAULT_MONTHS = 12
MAX_MONTHS = 36
RANGE_HINT = f"按费款所属期查询，默认最近{DEFAULT_MONTHS}个月，最长{MAX_MONTHS}个月"


class MonthField(forms.CharField):
    """A 年月 as YYYYMM (the browser's month picker sends «2026-01»)."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def __init__(self, label: str) -> None:
        super().__init__(label=label, required=False, max_length=7)

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        period = period_read(text)
        if period is None:
            raise forms.ValidationError(f"{self.label}格式不正确，请按“年-月”填写，如 2026-01")
        if period // 100 < FIRST_YEAR:
            raise forms.ValidationError(
                f"{self.label}不能早于{FIRST_YEAR}-01（医疗保险缴费记录从{FIRST_YEAR}年起），请重新选择"
            )
        return period


class MonthRangeForm(forms.Form):
    start = MonthField("起始年月")
    end = MonthField("截止年月")
    insutype = forms.ChoiceField(
        label="险种类型", required=False, error_messages={"invalid_choice": "请选择列表中的险种类型"}
    )

    def __init__(self, *args: Any, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        cast(forms.ChoiceField, self.fields["insutype"]).choices = [ALL, *code_choices("insutype")]
        if not self.is_bound:
            start, end = default_range(today, DEFAULT_MONTHS)
            self.initial.update({"start": period_text(start), "end": period_text(end)})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "start" in data and "end" in data:
            end = data["end"] or default_range(self.today, DEFAULT_MONTHS)[1]
            start = data["start"] or period_add(end, -(DEFAULT_MONTHS - 1))
            if end < start:
                self.add_error("end", "截止年月不能早于起始年月")
            elif period_span(start, end) > MAX_MONTHS:
                self.add_error("end", f"查询时间范围不能超过{MAX_MONTHS}个月，请缩小查询范围")
            data["start"], data["end"] = start, end
        return data

    def range(self) -> tuple[int, int]:
        if not self.is_bound:
            return default_range(self.today, DEFAULT_MONTHS)
        return self.cleaned_data["start"], self.cleaned_data["end"]


class UnitContributionQueryForm(MonthRangeForm):
    """单位缴费信息查询: 查询时间范围 and 险种类型."""


class PersonContributionQueryForm(MonthRangeForm):
    """个人缴费信息查询: the person (证件类型 + 证件号码, or 姓名), the months, 险种, 到账状态."""

    cert_type = forms.ChoiceField(label="证件类型", required=False)
    cert_no = forms.CharField(label="证件号码", required=False, max_length=30)
    name = forms.CharField(label="姓名", required=False, max_length=50)
    arrival = forms.ChoiceField(
        label="到账状态",
        required=False,
        choices=[ALL, *Contribution.Arrival.choices],
        error_messages={"invalid_choice": "请选择列表中的到账状态"},
    )
    field_order = ["cert_type", "cert_no", "name", "start", "end", "insutype", "arrival"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["cert_type"]).choices = code_choices("psn_cert_type")
        self.fields["cert_type"].error_messages["invalid_choice"] = "请选择列表中的证件类型"
        if not self.is_bound:
            self.initial.setdefault("cert_type", "01")

    def clean_cert_no(self) -> str:
        return str(self.cleaned_data.get("cert_no") or "").strip().upper()

    def clean_name(self) -> str:
        return str(self.cleaned_data.get("name") or "").strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("cert_no") and not data.get("name") and "cert_no" not in self.errors:
            self.add_error("cert_no", "请输入证件号码或姓名")
        elif data.get("cert_no") and not data.get("cert_type"):
            self.add_error("cert_type", "请选择证件类型")
        return data
