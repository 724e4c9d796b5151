"""职工中断参保 as an application type (Henan manual 004, 经办服务).

The payload form checks the shape of the values (again when applying: a rule may have changed);
the rules that need the records live in `interruption.py`.
"""

from __future__ import annotations

from typing import Any

from django import forms

from yibao.cases.models import Application
from yibao.cases.types import ApplicationType, FieldSpec, MaterialSpec, application_type_register, form_values
from yibao.core.errors import ApplicationError
from yibao.core.forms import HallForm, date_field
from yibao.enrollment.error_codes import EnrollmentErrorCode
from yibao.enrollment.interruption import (
    MAX_PERSONS,
    InterruptionReason,
    interruption_apply,
    interruption_pending_check,
    person_ids_parse,
    person_ids_text,
    reason_label,
)
from yibao.enrollment.pending import INTERRUPTION
from yibao.enrollment.selectors import persons_label
from yibao.units.models import Unit


def persons_shown(value: object) -> str:
    """中断人员 as it reads: each person's name with the ID number masked, and how many."""
    try:
        ids = person_ids_parse(str(value or ""))
    except ValueError:
        return str(value)
    return f"{persons_label(ids)}（共{len(ids)}人）" if ids else ""


INTERRUPTION_FIELDS = (
    FieldSpec("interrupted_persons", "中断人员", shown=persons_shown),
    FieldSpec("interruption_reason", "中断原因", shown=reason_label),
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
        return self.cleaned_data["pause_date"].isoformat()


def _apply_interruption(application: Application) -> None:
    values = form_values(InterruptionPayloadForm, application.payload, code=EnrollmentErrorCode.INVALID_VALUE)
    interruption_apply(application, values)


def _check(unit: Unit, payload: dict[str, Any]) -> list[str]:
    """At saving and submitting: none of the persons is in another pending 中断参保 of the unit."""
    try:
        person_ids = person_ids_parse(str(payload.get("interrupted_persons", "")))
    except ValueError:
        return ["请勾选需要中断的人员"]
    try:
        interruption_pending_check(unit, person_ids)
    except ApplicationError as refused:
        return [refused.message]
    return []


def _no_record(unit: Any) -> dict[str, Any]:
    return {}  # an interruption changes no field of a record: the persons are listed


EMPLOYEE_INTERRUPTION = application_type_register(
    ApplicationType(
        code=INTERRUPTION,
        name="职工中断参保",
        item_code="employee-interruption",
        form_page="enrollment:interruption",
        fields=INTERRUPTION_FIELDS,
        form=InterruptionPayloadForm,
        current=_no_record,
        apply=_apply_interruption,
        check=_check,
        printed_form=True,
        requires_change=False,
        changes_record=False,
        materials=(
            MaterialSpec(
                "stamped-form",
                "职工中断参保申报表",
                note="打印报表后加盖单位公章，扫描或拍照上传（jpg、png 或 pdf）",
            ),
        ),
        # one prepared at a time; each person may be in one pending interruption (`_check`)
        open_statuses=frozenset({"draft", "returned"}),
    )
)
