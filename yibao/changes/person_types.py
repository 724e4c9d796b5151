"""职工参保关键信息变更 / 职工参保非关键信息变更 (Henan manual 004, 经办服务): the record is a person
of the unit; its values as they are, the checks against them, and applying an approved change.

The person is the application's subject (`ApplicationType.subject`): its id stays in the payload,
never edited, and every read and write checks that the person has an active or paused insurance
with the unit. 证件类型 and 证件号码 are not editable here (a person's identity is corrected at the
agency's counter); 性别 and 出生日期 must agree with a 居民身份证 number.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from yibao.cases.models import Application
from yibao.cases.types import FieldSpec, MaterialSpec, application_type_register
from yibao.changes.error_codes import ChangeErrorCode
from yibao.changes.kinds import InfoChange, applying, setting_on
from yibao.core.errors import ApplicationError
from yibao.core.forms import HallForm, date_field, run_check, set_code_choices
from yibao.core.validators.contact import validate_mobile
from yibao.core.validators.names import normalise_name, validate_person_name
from yibao.enrollment.models import Insurance
from yibao.enrollment.rules import id_facts
from yibao.enrollment.selectors import HELD
from yibao.enrollment.services import person_record_change
from yibao.units.models import Unit

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


def _iso(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


class PersonKeyForm(HallForm):
    name = forms.CharField(label="姓名", max_length=50)
    gender = forms.ChoiceField(label="性别")
    birth_date = date_field("出生日期")
    first_work_date = date_field("首次参加工作日期", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_code_choices(self, "gender", "gend")

    def clean_name(self) -> str:
        return normalise_name(str(self.cleaned_data["name"]))

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


# --- the record --------------------------------------------------------------------------------


def _not_found() -> ApplicationError:
    return ApplicationError(ChangeErrorCode.PERSON_NOT_FOUND, "未查询到该人员在本单位的参保信息")


def _person_id(subject: dict[str, Any]) -> int:
    value = str(subject.get("person", "")).strip()
    if not value.isdigit():
        raise _not_found()
    return int(value)


def _held(unit: Unit, person_id: int) -> list[Insurance]:
    return list(
        Insurance.objects.filter(unit=unit, person_id=person_id, status__in=HELD)
        .select_related("person")
        .order_by("insutype")
    )


def person_current(unit: Unit, subject: dict[str, Any]) -> dict[str, Any]:
    """The person's values as the records hold them (`ApplicationType.current`); refuses a person
    without an active or paused insurance in the unit."""
    held = _held(unit, _person_id(subject))
    if not held:
        raise _not_found()
    person = held[0].person
    return {
        "cert_type": person.cert_type,
        "cert_no": person.cert_no,
        "name": person.name,
        "gender": person.gender,
        "birth_date": person.birth_date.isoformat(),
        "first_work_date": _iso(person.first_work_date),
        "mobile": person.mobile,
        "address": person.address,
        "nation": person.nation,
        "emp_form": held[0].emp_form,
    }


def person_values_check(current: dict[str, Any], values: dict[str, Any]) -> None:
    """Rules that need the person's values (`InfoChange.record_check`): the name rules of 参保登记
    for the person's 证件类型; 性别 and 出生日期 agree with a 居民身份证 number; 首次参加工作日期
    not before the birth date."""
    if "name" in values:
        validate_person_name(str(values["name"]), cert_type=current["cert_type"], field="name")
    birth = values.get("birth_date") or current["birth_date"]
    facts = id_facts(current["cert_type"], current["cert_no"])
    if facts is not None:
        gender, id_birth = facts
        if values.get("gender") and values["gender"] != gender:
            raise ApplicationError(
                ChangeErrorCode.INCONSISTENT_WITH_ID, "性别与身份证号码不一致", field="gender"
            )
        if values.get("birth_date") and values["birth_date"] != id_birth.isoformat():
            raise ApplicationError(
                ChangeErrorCode.INCONSISTENT_WITH_ID, "出生日期与身份证号码不一致", field="birth_date"
            )
    work = values.get("first_work_date")
    if work and str(work) < str(birth):
        raise ApplicationError(
            ChangeErrorCode.INVALID_VALUE, "首次参加工作日期不能早于出生日期", field="first_work_date"
        )


def _write(application: Application, values: dict[str, Any]) -> None:
    """Check the approved values against the person as the records hold them now, then write what
    changes through enrollment's service (inside the approval transaction)."""
    person_id = _person_id(application.payload)
    before = person_current(application.unit, {"person": person_id})
    person_values_check(before, values)
    changed = {k: v for k, v in values.items() if str(before.get(k, "")) != str(v)}
    person_record_change(
        unit=application.unit, person_id=person_id, before=before, changed=changed, application=application
    )


# --- the types ---------------------------------------------------------------------------------

STAMPED_NOTE = "打印报表后加盖单位公章，扫描或拍照上传（jpg、png 或 pdf）"

EMPLOYEE_KEY_INFO_CHANGE = InfoChange(
    code="employee-key-info-change",
    name="职工参保关键信息变更",
    item_code="employee-key-info-change",
    form_page="changes:employee-key-info-change",
    fields=KEY_FIELDS,
    form=PersonKeyForm,
    current=person_current,
    apply=applying(PersonKeyForm, _write),
    subject=("person",),
    printed_form=True,
    materials=(
        MaterialSpec("stamped-form", "职工参保关键信息变更表", note=STAMPED_NOTE),
        MaterialSpec("id-copy", "身份证件复印件", required=False, note="如有需要，可上传相关证明材料"),
    ),
    record="人员信息",
    record_check=person_values_check,
    subject_page="changes:employee-key-info-change-person",
    columns=True,
)

EMPLOYEE_INFO_CHANGE = InfoChange(
    code="employee-info-change",
    name="职工参保非关键信息变更",
    item_code="employee-info-change",
    form_page="changes:employee-info-change",
    fields=NON_KEY_FIELDS,
    form=PersonInfoForm,
    current=person_current,
    apply=applying(PersonInfoForm, _write),
    subject=("person",),
    # Henan 004: 填写所需数据，点击“保存”进行业务提交 — no material, no printed form
    auto_approve=setting_on("YIBAO_PERSON_INFO_AUTO_APPROVE"),
    record="人员信息",
    kept=("mobile",),
    record_check=person_values_check,
    subject_page="changes:employee-info-change-person",
    columns=True,
)

for _kind in (EMPLOYEE_KEY_INFO_CHANGE, EMPLOYEE_INFO_CHANGE):
    application_type_register(_kind)
