"""职工参保关键信息变更 / 职工参保非关键信息变更 (Henan manual 004, 经办服务): the person's values
as they are, the checks against the records, the draft, and applying an approved change.

The person is the application's subject (`ApplicationType.subject`): its id stays in the payload,
never edited, and every read and write checks that the person has an active or paused insurance
with the unit. 证件类型 and 证件号码 are not editable here (a person's identity is corrected at the
agency's counter); 性别 and 出生日期 must agree with a 居民身份证 number.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from yibao.accounts.models import User
from yibao.cases import services as case_services
from yibao.cases.models import Application
from yibao.cases.types import ApplicationType
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.enrollment.error_codes import EnrollmentErrorCode
from yibao.enrollment.models import Insurance, Person, PersonnelChange
from yibao.enrollment.rules import id_facts
from yibao.enrollment.selectors import HELD
from yibao.units.models import Unit

PERSON_FIELDS = ("name", "gender", "birth_date", "first_work_date", "mobile", "address", "nation")
INSURANCE_FIELDS = ("emp_form",)


def _not_found() -> ApplicationError:
    return ApplicationError(EnrollmentErrorCode.PERSON_NOT_FOUND, "未查询到该人员在本单位的参保信息")


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
        "first_work_date": person.first_work_date.isoformat() if person.first_work_date else "",
        "mobile": person.mobile,
        "address": person.address,
        "nation": person.nation,
        "emp_form": held[0].emp_form,
    }


def person_values_check(person: Person, values: dict[str, Any]) -> None:
    """Rules that need the person: 性别 and 出生日期 agree with a 居民身份证 number; 首次参加工作日期
    not before the birth date."""
    birth = values.get("birth_date") or person.birth_date.isoformat()
    facts = id_facts(person.cert_type, person.cert_no)
    if facts is not None:
        gender, id_birth = facts
        if values.get("gender") and values["gender"] != gender:
            raise ApplicationError(
                EnrollmentErrorCode.INCONSISTENT_WITH_ID, "性别与身份证号码不一致", field="gender"
            )
        if values.get("birth_date") and values["birth_date"] != id_birth.isoformat():
            raise ApplicationError(
                EnrollmentErrorCode.INCONSISTENT_WITH_ID, "出生日期与身份证号码不一致", field="birth_date"
            )
    work = values.get("first_work_date")
    if work and str(work) < str(birth):
        raise ApplicationError(
            EnrollmentErrorCode.INVALID_VALUE, "首次参加工作日期不能早于出生日期", field="first_work_date"
        )


def person_change_draft_save(
    *,
    kind: ApplicationType,
    unit: Unit,
    actor: User,
    person: Person,
    values: dict[str, Any],
    application: Application | None = None,
    origin: RequestOrigin | None = None,
) -> Application:
    """Check the values against the person, refuse a change that changes nothing, then save the
    draft (or update the open one for this person)."""
    payload = {"person": str(person.pk), **{k: v for k, v in values.items() if k in kind.editable_fields}}
    current = kind.current_values(unit, payload)
    person_values_check(person, payload)
    if all(str(current.get(k, "")) == str(v) for k, v in payload.items() if k not in kind.subject):
        raise ApplicationError(EnrollmentErrorCode.NOTHING_CHANGED, "您未修改任何信息，无需提交")
    return case_services.application_draft_save(
        kind=kind, unit=unit, actor=actor, payload=payload, application=application, origin=origin
    )


def person_change_apply(application: Application, values: dict[str, Any]) -> None:
    """Write the new values to the person and the unit's insurances of the person, and one 变更
    PersonnelChange with the values before and after (inside the approval transaction)."""
    person_id = _person_id(application.payload)
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    held = _held(application.unit, person_id)
    if person is None or not held:
        raise _not_found()
    person_values_check(person, values)
    before = person_current(application.unit, {"person": person_id})
    changed = {k: v for k, v in values.items() if str(before.get(k, "")) != str(v)}
    person_updates = {k: v for k, v in changed.items() if k in PERSON_FIELDS}
    for name in ("birth_date", "first_work_date"):
        if name in person_updates:
            text = person_updates[name]
            person_updates[name] = datetime.date.fromisoformat(text) if text else None
    if person_updates:
        for name, value in person_updates.items():
            setattr(person, name, value)
        person.save(update_fields=[*person_updates, "updated_at"])
    insurance_updates = {k: v for k, v in changed.items() if k in INSURANCE_FIELDS}
    if insurance_updates:
        Insurance.objects.filter(pk__in=[i.pk for i in held]).update(
            **insurance_updates, updated_at=timezone.now()
        )
    PersonnelChange.objects.create(
        unit_id=application.unit_id,
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
