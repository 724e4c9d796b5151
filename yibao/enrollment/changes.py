"""职工中断参保, 职工参保关键信息变更 and 职工参保非关键信息变更 as application types (Henan manual
004, 经办服务), built like the unit's info changes (yibao/units/changes.py).

The payload forms check the shape of the values (again when applying: a rule may have changed);
the rules that need the records live in `interruption.py` and `person_info.py`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings

from yibao.cases.models import Application
from yibao.cases.types import ApplicationType, FieldSpec, MaterialSpec, application_type_register, form_values
from yibao.core.forms import HallForm, date_field, run_check, set_code_choices
from yibao.core.validators.contact import validate_mobile
from yibao.enrollment.error_codes import EnrollmentErrorCode
from yibao.enrollment.interruption import (
    MAX_PERSONS,
    InterruptionReason,
    interruption_apply,
    person_ids_parse,
    person_ids_text,
)
from yibao.enrollment.person_info import person_change_apply, person_current


def _iso(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


# --- 职工中断参保 ------------------------------------------------------------------------------

INTERRUPTION_FIELDS = (
    FieldSpec("interrupted_persons", "中断人员"),
    FieldSpec("interruption_reason", "中断原因"),
    FieldSpec("pause_date", "中断日期"),
)


class InterruptionPayloadForm(HallForm):
    interrupted_persons = forms.CharField(label="中断人员", max_length=MAX_PERSONS * 12)
    interruption_reason = forms.ChoiceField(label="中断原因", choices=InterruptionReason.choices)
    pause_date = date_field("中断日期")

    def clean_interrupted_persons(self) -> str:
        try:
            ids = person_ids_parse(self.cleaned_data["interrupted_persons"])
        except ValueError as exc:
            raise forms.ValidationError("请勾选需要中断的人员") from exc
        if not ids:
            raise forms.ValidationError("请勾选需要中断的人员")
        return person_ids_text(ids)

    def clean_pause_date(self) -> str:
        return _iso(self.cleaned_data["pause_date"])


# --- 职工参保关键信息变更 / 非关键信息变更 ------------------------------------------------------

IDENTITY = (
    FieldSpec("cert_type", "证件类型", editable=False),
    FieldSpec("cert_no", "证件号码", editable=False),
)
KEY_FIELDS = (
    *IDENTITY,
    FieldSpec("name", "姓名"),
    FieldSpec("gender", "性别"),
    FieldSpec("birth_date", "出生日期"),
    FieldSpec("first_work_date", "首次参加工作日期"),
)
NON_KEY_FIELDS = (
    FieldSpec("name", "姓名", editable=False),
    *IDENTITY,
    FieldSpec("mobile", "手机号码"),
    FieldSpec("address", "联系地址"),
    FieldSpec("nation", "民族"),
    FieldSpec("emp_form", "用工形式"),
)


class PersonKeyForm(HallForm):
    name = forms.CharField(label="姓名", max_length=50)
    gender = forms.ChoiceField(label="性别")
    birth_date = date_field("出生日期")
    first_work_date = date_field("首次参加工作日期", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_code_choices(self, "gender", "gend")

    def clean_name(self) -> str:
        return " ".join(str(self.cleaned_data["name"]).split())

    def clean_birth_date(self) -> str:
        return _iso(self.cleaned_data["birth_date"])

    def clean_first_work_date(self) -> str:
        return _iso(self.cleaned_data.get("first_work_date"))


class PersonInfoForm(HallForm):
    mobile = forms.CharField(label="手机号码", max_length=20)
    address = forms.CharField(label="联系地址", max_length=200, required=False)
    nation = forms.ChoiceField(label="民族")
    emp_form = forms.ChoiceField(label="用工形式", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_code_choices(self, "nation", "naty")
        set_code_choices(self, "emp_form", "emp_fom")

    def clean_mobile(self) -> str:
        return str(run_check(validate_mobile, self.cleaned_data["mobile"], field="mobile"))


# --- applying ---------------------------------------------------------------------------------


def _validated(form_class: type[forms.Form], payload: dict[str, Any]) -> dict[str, Any]:
    return form_values(form_class, payload, code=EnrollmentErrorCode.INVALID_VALUE)


def _apply_interruption(application: Application) -> None:
    interruption_apply(application, _validated(InterruptionPayloadForm, application.payload))


def _apply_person_change(form_class: type[forms.Form]) -> Any:
    def apply(application: Application) -> None:
        person_change_apply(application, _validated(form_class, application.payload))

    return apply


def _no_record(unit: Any) -> dict[str, Any]:
    return {}  # an interruption changes no field of a record: the persons are listed


def _auto_approve_person_info() -> bool:
    return bool(getattr(settings, "YIBAO_PERSON_INFO_AUTO_APPROVE", True))


STAMPED_NOTE = "打印报表后加盖单位公章，扫描或拍照上传（jpg、png 或 pdf）"

EMPLOYEE_INTERRUPTION = application_type_register(
    ApplicationType(
        code="employee-interruption",
        name="职工中断参保",
        item_code="employee-interruption",
        form_page="enrollment:interruption",
        fields=INTERRUPTION_FIELDS,
        form=InterruptionPayloadForm,
        current=_no_record,
        apply=_apply_interruption,
        printed_form=True,
        requires_change=False,
        materials=(MaterialSpec("stamped-form", "职工中断参保申报表", note=STAMPED_NOTE),),
    )
)

EMPLOYEE_KEY_INFO_CHANGE = application_type_register(
    ApplicationType(
        code="employee-key-info-change",
        name="职工参保关键信息变更",
        item_code="employee-key-info-change",
        form_page="enrollment:key-info-change",
        fields=KEY_FIELDS,
        form=PersonKeyForm,
        current=person_current,
        apply=_apply_person_change(PersonKeyForm),
        subject=("person",),
        printed_form=True,
        materials=(
            MaterialSpec("stamped-form", "职工参保关键信息变更表", note=STAMPED_NOTE),
            MaterialSpec("id-copy", "身份证件复印件", required=False, note="如有需要，可上传相关证明材料"),
        ),
    )
)

EMPLOYEE_INFO_CHANGE = application_type_register(
    ApplicationType(
        code="employee-info-change",
        name="职工参保非关键信息变更",
        item_code="employee-info-change",
        form_page="enrollment:info-change",
        fields=NON_KEY_FIELDS,
        form=PersonInfoForm,
        current=person_current,
        apply=_apply_person_change(PersonInfoForm),
        subject=("person",),
        materials=(
            MaterialSpec("other", "其他证明材料", required=False, note="如有需要，可上传相关证明材料"),
        ),
        auto_approve=_auto_approve_person_info,
    )
)
