"""The form every page that asks the certificate driver for a signature posts (单位 CA 登录,
数字证书注册, 绑定新证书). The 证书密码 is typed into the page but goes to the driver only (its
box has no name)."""

from __future__ import annotations

from typing import Any

from django import forms

from yibao.core.forms import HallForm


class DriverAnswerForm(HallForm):
    """What the page posts after the certificate driver signed the page's challenge."""

    challenge = forms.CharField(label="请求", widget=forms.HiddenInput, max_length=100)
    certificate = forms.CharField(label="CA 证书", widget=forms.HiddenInput, max_length=20_000)
    chain = forms.CharField(label="证书链", widget=forms.HiddenInput, max_length=60_000, required=False)
    signature = forms.CharField(label="证书签名", widget=forms.HiddenInput, max_length=2_000)
    # The driver's id of the chosen certificate: posted back so that the choice stays selected.
    selected = forms.CharField(widget=forms.HiddenInput, max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("certificate", "signature"):
            self.fields[name].error_messages["required"] = "请选择 CA 证书并输入证书密码"

    def chain_list(self) -> list[str]:
        """The intermediates the driver sent, one PEM block each."""
        text = self.cleaned_data.get("chain") or ""
        end = "-----END CERTIFICATE-----"
        return [block.strip() + "\n" + end + "\n" for block in text.split(end) if block.strip()]

    def selected_id(self) -> str:
        return str(self.data.get("selected", "")) if self.is_bound else ""
