"""The 附件上传 form of one material row."""

from __future__ import annotations

from typing import Any

from django import forms

from yibao.core.forms import HallForm, run_check
from yibao.core.uploads import upload_check


class MaterialUploadForm(HallForm):
    file = forms.FileField(label="附件上传")

    def clean_file(self) -> Any:
        return run_check(upload_check, self.cleaned_data["file"], field="file")
