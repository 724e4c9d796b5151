"""Writes of 婴幼儿备案: the draft the page saves, and what the application's steps do to the
filing (申请中 at submission, 已备案 at approval, 不予备案 at refusal; back to draft or deleted:
none). The rules are `rules.py`; every function here runs them first.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from yibao.accounts.models import User
from yibao.cases import services as case_services
from yibao.cases.models import Application, Status
from yibao.cases.types import application_type
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.newborns import rules
from yibao.newborns.codes import INFANT_FILING
from yibao.newborns.error_codes import NewbornErrorCode
from yibao.newborns.models import InfantFiling
from yibao.units.models import Unit

VALUE_FIELDS = (
    "name", "gender", "birth_date", "birth_cert_no", "cert_no", "division", "address",
    "guardian_relation", "guardian_name", "guardian_cert_type", "guardian_cert_no", "guardian_phone",
)  # fmt: skip


def _own(unit_id: int, payload: dict[str, Any]) -> tuple[int, str]:
    return unit_id, application_type(INFANT_FILING).open_key(payload)


def newborn_check(unit: Unit, payload: dict[str, Any], *, window: bool = True) -> None:
    """The rules, the first refusal raised at its field."""
    problems = rules.newborn_problems(
        payload, today=timezone.localdate(), own=_own(unit.pk, payload), window=window
    )
    if problems:
        code = (
            NewbornErrorCode.DUPLICATE
            if "重复备案" in problems[0].message
            else NewbornErrorCode.INVALID_VALUE
        )
        raise ApplicationError(code, problems[0].message, field=problems[0].field or None)


def newborn_draft_save(
    *,
    unit: Unit,
    actor: User,
    values: dict[str, Any],
    application: Application | None = None,
    origin: RequestOrigin | None = None,
) -> Application:
    """Check the rules at their fields, then save the draft (a new one, or the draft or returned
    application being corrected; the same 出生医学证明 being prepared at this hospital goes on in
    its open draft)."""
    payload = {name: values[name] for name in VALUE_FIELDS if name in values}
    newborn_check(unit, payload)
    return case_services.application_draft_save(
        kind=application_type(INFANT_FILING),
        unit=unit,
        actor=actor,
        payload=payload,
        application=application,
        origin=origin,
    )


def _values_set(row: InfantFiling, payload: dict[str, Any]) -> None:
    for name in VALUE_FIELDS:
        value = payload.get(name, "")
        if name == "division":
            row.division_id = str(value)
        elif name == "birth_date":
            row.birth_date = datetime.date.fromisoformat(str(value))
        else:
            setattr(row, name, str(value or ""))


def _duplicate(error: IntegrityError) -> ApplicationError:
    return ApplicationError(
        NewbornErrorCode.DUPLICATE, "该出生医学证明编号或身份证号已办理婴幼儿备案，不能重复备案"
    )


def _row_save(row: InfantFiling) -> None:
    """Save, the database refusing a second filing of one 出生医学证明 in force (two hospitals
    submitting at once)."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:
        raise _duplicate(error) from error


def newborn_status_follow(application: Application) -> None:
    """The application changed status: submitted → the filing is 申请中 with the values submitted;
    back to draft or deleted → no filing; refused → 不予备案; returned → still 申请中.
    (Approval: `newborn_apply`.)"""
    row = InfantFiling.objects.filter(application=application).first()
    if application.status == Status.SUBMITTED:
        if row is None:
            row = InfantFiling(
                number=f"TMP{timezone.now():%Y%m%d%H%M%S%f}", unit=application.unit, application=application
            )
            _values_set(row, application.payload)
            _row_save(row)
            row.number = f"YE{timezone.localdate():%Y%m%d}{row.pk:08d}"
            row.save(update_fields=["number"])
        elif row.status == InfantFiling.Status.APPLYING:
            _values_set(row, application.payload)
            _row_save(row)
    elif application.status in (Status.DRAFT, Status.DELETED, Status.WITHDRAWN):
        InfantFiling.objects.filter(application=application, status=InfantFiling.Status.APPLYING).delete()
    elif (
        application.status == Status.REJECTED
        and row is not None
        and row.status == InfantFiling.Status.APPLYING
    ):
        row.status = InfantFiling.Status.REFUSED
        row.ended_on = timezone.localdate()
        row.save(update_fields=["status", "ended_on", "updated_at"])


def newborn_apply(application: Application) -> None:
    """Approval: the rules again (a duplicate filed meanwhile; the 出生日期 window held when the
    hospital filed), then the filing is 已备案."""
    newborn_check(application.unit, application.payload, window=False)
    row = InfantFiling.objects.select_for_update().filter(application=application).first()
    if row is None:  # pragma: no cover - a submitted application has its filing
        newborn_status_follow(application)
        row = InfantFiling.objects.get(application=application)
    _values_set(row, application.payload)
    row.status = InfantFiling.Status.FILED
    row.filed_at = timezone.now()
    _row_save(row)


def newborn_problems_of(unit: Unit, payload: dict[str, Any]) -> list[str]:
    """The type's check at saving and submitting: the refusals as text."""
    try:
        newborn_check(unit, payload)
    except ApplicationError as refused:
        return [refused.message]
    return []
