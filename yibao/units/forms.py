"""Forms of the unit admin's pages: shape and field checks only; rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from yibao.core.forms import HallForm, run_check
from yibao.core.uploads import FileKind, upload_check
from yibao.core.validators.contact import validate_mobile

LICENCE_KINDS = frozenset({FileKind.JPEG, FileKind.PNG, FileKind.PDF})


class BaseInfoForm(HallForm):
    """单位基础信息修改: 法人手机号 and 地址 only."""

    legal_rep_mobile = forms.CharField(label="法人手机号", max_length=20)
    address = forms.CharField(label="地址", max_length=200)
    sms_code = forms.CharField(
        label="短信验证码", max_length=6, required=False,
        help_text="修改法人手机号时，须先向新手机号发送验证码并填写",
    )  # fmt: skip

    def clean_legal_rep_mobile(self) -> str:
        return str(
            run_check(validate_mobile, self.cleaned_data["legal_rep_mobile"], field="legal_rep_mobile")
        )

    def clean_address(self) -> str:
        return " ".join(self.cleaned_data["address"].split())


class LicenceUploadForm(HallForm):
    """营业执照上传."""

    licence = forms.FileField(label="营业执照")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.YIBAO_UPLOAD_MAX_BYTES
        size = f"{limit / 1024 / 1024:g}MB" if limit >= 1024 * 1024 else f"{limit / 1024:g}KB"
        self.fields[
            "licence"
        ].help_text = f"请上传申报主体的营业执照扫描件或照片，支持 JPG、PNG、PDF 格式，大小不超过{size}"
        self.fields["licence"].widget.attrs["accept"] = (
            ".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf"
        )

    def clean_licence(self) -> Any:
        upload = self.cleaned_data["licence"]
        return run_check(upload_check, upload, allowed=LICENCE_KINDS, field="licence")


class ReviewReasonForm(forms.Form):
    """The admin's 不通过 page: the reason the unit will read."""

    reason = forms.CharField(
        label="不通过原因",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写不通过的原因，原因将通知单位"},
    )
