"""Forms of the operator's application pages: shape and field checks only."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms

from yibao.cases.models import Status
from yibao.cases.selectors import application_type_choices
from yibao.core.forms import date_field

ALL = ("", "全部")
RANGE_HINT = "按提交日期查询（未提交的草稿按创建日期），最长一年"


def one_year_after(day: datetime.date) -> datetime.date:
    """The same date a year later (29 February → 28 February): the end of the longest range."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


class RecordQueryForm(forms.Form):
    """办件记录查询: 业务类型, 查询时间范围 (起始日期, 截止日期) and 状态; all optional."""

    type_code = forms.ChoiceField(
        label="业务类型", required=False, error_messages={"invalid_choice": "请选择列表中的业务类型"}
    )
    start = date_field("起始日期", required=False)
    end = date_field("截止日期", required=False)
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[ALL, *Status.choices],
        error_messages={"invalid_choice": "请选择列表中的状态"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["type_code"]).choices = [ALL, *application_type_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: datetime.date | None = data.get("start")
        end: datetime.date | None = data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "截止日期不能早于起始日期")
            elif end > one_year_after(start):
                self.add_error("end", "查询时间范围不能超过一年，请缩小查询范围")
        return data

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "type_code": data.get("type_code") or "",
            "status": data.get("status") or "",
            "start": data.get("start"),
            "end": data.get("end"),
        }


class WithdrawForm(forms.Form):
    """The 撤回 confirmation: the button posts it."""

    confirm = forms.CharField(widget=forms.HiddenInput, initial="1")
