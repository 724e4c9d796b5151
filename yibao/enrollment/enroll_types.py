"""职工参保登记 — 单个人员参保登记 as an application type (Henan manual 004, 经办服务).

The operator enters the person (a known person is pre-filled and only the enrollment fields are
open), prints the form, uploads the stamped scan and saves; on approval the person, the insurance
relations (one per 险种) and a 增员 record are written in the review's transaction.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone

from yibao.cases.models import Application
from yibao.cases.types import ApplicationType, FieldSpec, MaterialSpec, application_type_register
from yibao.core.errors import ApplicationError
from yibao.core.forms import HallForm, set_code_choices
from yibao.core.reference import code_choices
from yibao.core.spreadsheets.cells import Problem
from yibao.core.validators._text import to_halfwidth
from yibao.core.validators.names import normalise_name
from yibao.enrollment.error_codes import EnrollmentErrorCode
from yibao.enrollment.models import Insurance, Person, PersonnelChange
from yibao.enrollment.pending import ENROLLMENT, pending_enrollment_problem, pending_enrollments
from yibao.enrollment.policies import limits_for
from yibao.enrollment.rules import (
    EnrollmentRow,
    employee_psn_type,
    parse_base,
    record_problems,
    records_for,
    row_problems,
)
from yibao.enrollment.standing import pauses_due_apply
from yibao.units.models import Unit

PERSON_FIELDS = ("name", "gender", "birth_date", "nation", "nationality", "first_work_date")
FIELDS = (
    FieldSpec("cert_type", "证件类型"),
    FieldSpec("cert_no", "证件号码"),
    FieldSpec("name", "姓名"),
    FieldSpec("gender", "性别"),
    FieldSpec("birth_date", "出生日期"),
    FieldSpec("nation", "民族"),
    FieldSpec("nationality", "国籍"),
    FieldSpec("mobile", "手机号码"),
    FieldSpec("address", "联系地址"),
    FieldSpec("first_work_date", "首次参加工作日期"),
    FieldSpec("psn_type", "人员类别"),
    FieldSpec("emp_form", "用工形式"),
    FieldSpec("insutypes", "险种"),
    FieldSpec("start_date", "参保日期"),
    FieldSpec("base", "月缴费基数"),
)


class EnrollmentForm(HallForm):
    """单个人员参保登记. `known` (a person the records hold): the person's own fields are not
    asked, only the enrollment fields and the contact details."""

    cert_type = forms.ChoiceField(label="证件类型")
    cert_no = forms.CharField(label="证件号码", max_length=30)
    name = forms.CharField(label="姓名", max_length=50)
    gender = forms.ChoiceField(label="性别")
    birth_date = forms.DateField(
        label="出生日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    nation = forms.ChoiceField(label="民族", required=False)  # required of Chinese nationals (rules)
    nationality = forms.CharField(label="国籍", max_length=3, initial="CHN")
    mobile = forms.CharField(label="手机号码", max_length=11, required=False)
    address = forms.CharField(label="联系地址", max_length=200, required=False)
    first_work_date = forms.DateField(
        label="首次参加工作日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    psn_type = forms.ChoiceField(label="人员类别")
    emp_form = forms.ChoiceField(label="用工形式")
    insutypes = forms.MultipleChoiceField(label="险种", widget=forms.CheckboxSelectMultiple)
    start_date = forms.DateField(
        label="参保日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    base = forms.CharField(label="月缴费基数", max_length=14)

    def __init__(
        self, *args: Any, known: bool = False, insutypes: list[str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_code_choices(self, "cert_type", "psn_cert_type", blank=False)
        set_code_choices(self, "gender", "gend")
        set_code_choices(self, "nation", "naty")
        psn_type = cast(forms.ChoiceField, self.fields["psn_type"])
        employees = [(code, label) for code, label in code_choices("psn_type") if employee_psn_type(code)]
        psn_type.choices = [("", "请选择"), *employees]
        psn_type.error_messages["invalid_choice"] = "请选择列表中的人员类别（在职、退休或离休）"
        set_code_choices(self, "emp_form", "emp_fom")

        offered = set(insutypes or [])
        self.fields["insutypes"].choices = [  # type: ignore[attr-defined]
            (code, f"{code} {label}")
            for code, label in code_choices("insutype")
            if not offered or code in offered
        ]
        for name in ("birth_date", "first_work_date", "start_date"):
            self.fields[name].error_messages["invalid"] = "请输入正确的日期，如 2026-11-01"
        self.known = known
        if known:
            for name in PERSON_FIELDS:
                self.fields[name].required = False
                self.fields[name].disabled = True

    def clean_name(self) -> str:
        return normalise_name(self.cleaned_data.get("name") or "")

    def clean_mobile(self) -> str:
        return to_halfwidth(self.cleaned_data.get("mobile") or "").replace(" ", "").replace("-", "")

    def clean_nationality(self) -> str:
        return str(self.cleaned_data.get("nationality") or "").strip().upper()

    def clean_base(self) -> Decimal:
        amount = parse_base(self.cleaned_data["base"])
        if amount is None:
            raise forms.ValidationError("请输入正确的月缴费基数，如 6000.00")
        return amount


def row_from(data: dict[str, Any]) -> EnrollmentRow:
    def day(value: Any) -> datetime.date | None:
        if not value:
            return None
        return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))

    return EnrollmentRow(
        cert_type=str(data.get("cert_type") or "01"),
        cert_no=str(data.get("cert_no") or ""),
        name=str(data.get("name") or ""),
        gender=str(data.get("gender") or ""),
        birth_date=day(data.get("birth_date")),
        nation=str(data.get("nation") or ""),
        nationality=str(data.get("nationality") or "CHN"),
        mobile=str(data.get("mobile") or ""),
        address=str(data.get("address") or ""),
        first_work_date=day(data.get("first_work_date")),
        psn_type=str(data.get("psn_type") or "1101"),
        emp_form=str(data.get("emp_form") or ""),
        insutypes=tuple(data.get("insutypes") or ()),
        start_date=day(data.get("start_date")),
        base=parse_base(data.get("base")) if data.get("base") not in (None, "") else None,
    )


NO_POLICY = "本统筹区尚未配置参保政策（险种和缴费基数上下限），请联系医保经办机构"


def enrollment_row_problems(unit: Unit, row: EnrollmentRow, today: datetime.date) -> list[Problem]:
    """Every refusal for one person, each naming its column (rules, then records); the one rule
    set of the batch file (`rules.row_problems`, `rules.record_problems`)."""
    try:
        limits = limits_for(unit.division_id, today)
    except LookupError:
        return [Problem("", NO_POLICY)]
    problems = row_problems(row, limits)
    if not problems:
        problems = record_problems(row, records_for([(row.cert_type, row.cert_no)]), unit_id=unit.pk)
    if not problems:
        number = pending_enrollments(unit, [(row.cert_type, row.cert_no)]).get((row.cert_type, row.cert_no))
        if number is not None:
            problems = [Problem("证件号码", pending_enrollment_problem(number))]
    return problems


def enrollment_problems(unit: Unit, row: EnrollmentRow, today: datetime.date) -> list[str]:
    """Every refusal for one person, as «列：原因» texts."""
    return [
        f"{p.column}：{p.message}" if p.column else p.message
        for p in enrollment_row_problems(unit, row, today)
    ]


def _psn_no(unit: Unit) -> str:
    return f"{unit.division_id}{secrets.randbelow(10**14):014d}"


def enrollment_apply(application: Application) -> None:
    """Write the person (new, or the known one with the contact details updated), an active
    insurance per 险种 and a 增员 record, after checking the records again."""
    unit = application.unit
    row = row_from(application.payload)
    known = records_for([(row.cert_type, row.cert_no)])
    problems = record_problems(row, known, unit_id=unit.pk)
    if problems:
        raise ApplicationError(EnrollmentErrorCode.REFUSED, f"{problems[0].column}：{problems[0].message}")
    person = known.persons.get((row.cert_type, row.cert_no))
    # checked at saving and submitting (the type's form and rules)
    assert row.start_date is not None and row.base is not None and row.birth_date is not None  # noqa: S101
    if person is None:
        person = Person.objects.create(
            psn_no=_psn_no(unit),
            cert_type=row.cert_type,
            cert_no=row.cert_no,
            name=row.name,
            gender=row.gender,
            birth_date=row.birth_date,
            nation=row.nation,
            nationality=row.nationality,
            mobile=row.mobile,
            address=row.address,
            first_work_date=row.first_work_date,
        )
    else:
        # a pause elsewhere whose date has come is stored before the new relations are
        pauses_due_apply(today=timezone.localdate(), person_ids=[person.pk])
        updates = {k: getattr(row, k) for k in ("mobile", "address") if getattr(row, k)}
        if updates:
            Person.objects.filter(pk=person.pk).update(**updates, updated_at=timezone.now())
    start_ym = row.start_date.year * 100 + row.start_date.month
    try:
        with transaction.atomic():
            for insutype in row.insutypes:
                first = (
                    Insurance.objects.filter(person=person, insutype=insutype)
                    .order_by("first_insured_ym")
                    .values_list("first_insured_ym", flat=True)
                    .first()
                )
                Insurance.objects.create(
                    person=person,
                    unit=unit,
                    insutype=insutype,
                    psn_type=row.psn_type,
                    emp_form=row.emp_form,
                    start_date=row.start_date,
                    first_insured_ym=first or start_ym,
                    base=row.base,
                )
    except IntegrityError as exc:  # another unit enrolled the person meanwhile
        raise ApplicationError(
            EnrollmentErrorCode.REFUSED, "险种：该人员已在其他单位正常参保，请先由原单位办理中断参保"
        ) from exc
    PersonnelChange.objects.create(
        unit=unit,
        person=person,
        kind=PersonnelChange.Kind.ADD,
        insutypes=",".join(row.insutypes),
        effective_date=row.start_date,
        application=application,
        detail={"psn_type": row.psn_type, "base": str(row.base)},
    )


def _current(unit: Unit) -> dict[str, Any]:
    return {}


def _check(unit: Unit, payload: dict[str, Any]) -> list[str]:
    try:
        row = row_from(payload)
    except ValueError:
        return ["日期格式不正确，请重新填写"]
    return enrollment_problems(unit, row, timezone.localdate())


EMPLOYEE_ENROLLMENT = application_type_register(
    ApplicationType(
        code=ENROLLMENT,
        name="职工参保登记",
        item_code="employee-enrollment",
        form_page="enrollment:enroll",
        fields=FIELDS,
        current=_current,
        form=EnrollmentForm,
        apply=enrollment_apply,
        check=_check,
        printed_form=True,
        requires_change=False,
        changes_record=False,
        materials=(
            MaterialSpec("stamped-form", "职工参保登记表", note="打印报表后加盖单位公章，扫描或拍照上传"),
            MaterialSpec(
                "labour-contract", "劳动合同或录用证明", required=False, note="复印件加盖公章扫描上传"
            ),
        ),
        distinct_by=("cert_type", "cert_no"),  # one open 参保登记 per person
    )
)
