"""Forms of the 信息变更 pages beyond the types' own: shape and field checks only."""

from __future__ import annotations

from django import forms

from yibao.core.forms import HallForm


class PersonSearchForm(HallForm):
    """输入身份证号，点击【查询】."""

    cert_no = forms.CharField(label="证件号码", max_length=30)
