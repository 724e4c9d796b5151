"""Forms of the certificate pages: shape and field checks only."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from yibao.core.forms import HallForm
from yibao.core.reference import code_choices


class PersonSearchForm(HallForm):
    """个人参保证明打印: 证件类型 and 证件号码 of the person, then 【查询】."""

    cert_type = forms.ChoiceField(label="证件类型")
    cert_no = forms.CharField(label="证件号码", max_length=30)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["cert_type"])
        field.choices = code_choices("psn_cert_type")
        field.initial = "01"


class VerifyForm(HallForm):
    """参保证明查验: 证明编号 and 验证码 as printed on the certificate."""

    number = forms.CharField(label="证明编号", max_length=30)
    code = forms.CharField(label="验证码", max_length=20)
