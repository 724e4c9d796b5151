"""Forms of the enrollment pages: shape and field checks only (the rules are in the services)."""

from __future__ import annotations

from typing import Any

from django import forms

from yibao.core.forms import HallForm, date_field
from yibao.enrollment.interruption import InterruptionReason


class PersonIdsField(forms.Field):
    """The ticked persons (checkboxes drawn by the roster table): ids, unique, in order."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        ids: list[int] = []
        for item in value or []:
            text = str(item).strip()
            if text.isdigit() and int(text) < 2**63 and int(text) not in ids:
                ids.append(int(text))
        return ids


class InterruptionForm(HallForm):
    """少量中断: 证件号码 to find one person, the ticked persons, 中断原因 and 中断日期."""

    cert_no = forms.CharField(label="证件号码", max_length=30, required=False)
    persons = PersonIdsField(label="中断人员", required=False)
    reason = forms.ChoiceField(label="中断原因", choices=[("", "请选择"), *InterruptionReason.choices])
    pause_date = date_field("中断日期")
