"""Writes to persons and their insurance relations that other apps' applications ask for.

(Enrollment's own flows write through `batch`, `interruption` and `enroll_types`.)
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from yibao.core.errors import ApplicationError
from yibao.enrollment.error_codes import EnrollmentErrorCode
from yibao.enrollment.models import Insurance, Person, PersonnelChange
from yibao.enrollment.selectors import HELD
from yibao.units.models import Unit

if TYPE_CHECKING:
    from yibao.cases.models import Application

# What an approved 职工参保信息变更 may write: the person's own fields, and the 用工形式 of the
# person's insurances with the unit.
CHANGEABLE_PERSON_FIELDS = frozenset(
    {"name", "gender", "birth_date", "first_work_date", "mobile", "address", "nation"}
)
CHANGEABLE_INSURANCE_FIELDS = frozenset({"emp_form"})
DATE_FIELDS = ("birth_date", "first_work_date")


def person_record_change(
    *, unit: Unit, person_id: int, before: dict[str, Any], changed: dict[str, Any], application: Application
) -> None:
    """Write an approved change of a person of the unit — the person's fields, the 用工形式 of the
    person's active or paused insurances with the unit — and one 变更 PersonnelChange holding the
    values before and after. Runs inside the approval's transaction; refuses a person who has no
    insurance with the unit any more."""
    unknown = set(changed) - CHANGEABLE_PERSON_FIELDS - CHANGEABLE_INSURANCE_FIELDS
    if unknown:
        raise ValueError(f"not changeable by an application: {sorted(unknown)}")
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    held = list(
        Insurance.objects.filter(unit=unit, person_id=person_id, status__in=HELD).order_by("insutype")
    )
    if person is None or not held:
        raise ApplicationError(EnrollmentErrorCode.NOT_ACTIVE, "未查询到该人员在本单位的参保信息")
    person_updates = {k: v for k, v in changed.items() if k in CHANGEABLE_PERSON_FIELDS}
    for name in DATE_FIELDS:
        if name in person_updates:
            text = person_updates[name]
            person_updates[name] = datetime.date.fromisoformat(text) if text else None
    if person_updates:
        for name, value in person_updates.items():
            setattr(person, name, value)
        person.save(update_fields=[*person_updates, "updated_at"])
    insurance_updates = {k: v for k, v in changed.items() if k in CHANGEABLE_INSURANCE_FIELDS}
    if insurance_updates:
        Insurance.objects.filter(pk__in=[i.pk for i in held]).update(
            **insurance_updates, updated_at=timezone.now()
        )
    PersonnelChange.objects.create(
        unit_id=unit.pk,
        person=person,
        kind=PersonnelChange.Kind.CHANGE,
        insutypes=",".join(i.insutype for i in held),
        effective_date=timezone.localdate(),
        application=application,
        detail={
            "type": application.type_code,
            "before": {k: before.get(k, "") for k in changed},
            "after": changed,
        },
    )
