"""Writes of 异地就医备案: the drafts the pages save, and what an application's steps do to the
filing (申请中 at submission, 已备案 at approval, 不予备案 at refusal; a change makes a new version
and leaves the old one 已变更; a cancellation leaves it 已取消).

The rules are `rules.py`; every function here runs them first.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from yibao.accounts.models import User
from yibao.cases import services as case_services
from yibao.cases.models import Application, Status
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.enrollment.models import Insurance, Person
from yibao.enrollment.scope import PersonScope
from yibao.filings import rules
from yibao.filings.error_codes import FilingErrorCode
from yibao.filings.kinds import FilingKind
from yibao.filings.models import Filing
from yibao.units.models import Unit

NEW, CHANGE, CANCEL = "new", "change", "cancel"

# The payload entries that are a filing's values (the rest: subject, 取消原因).
VALUE_FIELDS = (
    "insutype", "care_division", "address", "phone", "start_date", "end_date", "network", "commitment",
    "agent_name", "agent_cert_type", "agent_cert_no", "agent_phone", "agent_relation",
    "out_hospital", "in_hospital",
)  # fmt: skip


def _today() -> datetime.date:
    return timezone.localdate()


def filing_values(filing: Filing) -> dict[str, str]:
    """A filing's values as a payload holds them."""
    return {
        "insutype": filing.insutype,
        "care_division": filing.care_division_id,
        "address": filing.address,
        "phone": filing.phone,
        "start_date": filing.start_date.isoformat(),
        "end_date": filing.end_date.isoformat() if filing.end_date else "",
        "network": filing.network,
        "commitment": "1" if filing.commitment else "",
        "agent_name": filing.agent_name,
        "agent_cert_type": filing.agent_cert_type,
        "agent_cert_no": filing.agent_cert_no,
        "agent_phone": filing.agent_phone,
        "agent_relation": filing.agent_relation,
        "out_hospital": filing.out_hospital,
        "in_hospital": filing.in_hospital,
    }


def _values_set(filing: Filing, values: dict[str, Any]) -> None:
    for name in VALUE_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name == "care_division":
            filing.care_division_id = str(value)
        elif name in ("start_date", "end_date"):
            setattr(filing, name, datetime.date.fromisoformat(str(value)) if value else None)
        elif name == "commitment":
            filing.commitment = value == "1"
        else:
            setattr(filing, name, str(value or ""))


def _with_referral_end(spec: FilingKind, values: dict[str, Any]) -> dict[str, Any]:
    """A 转诊 filing without a 结束日期 ends with the profile's validity window."""
    if spec.long_term or not values.get("start_date") or values.get("end_date"):
        return values
    start = datetime.date.fromisoformat(str(values["start_date"]))
    return {**values, "end_date": rules.referral_end(start, None).isoformat()}


# --- the rules, as each action needs them ------------------------------------------------------


def new_filing_check(
    spec: FilingKind, unit: Unit, payload: dict[str, Any], *, scope: PersonScope | None = None,
    exclude: int | None = None,
) -> list[Insurance]:  # fmt: skip
    held = rules.person_check(unit, payload.get("person"), today=_today(), scope=scope)
    rules.eligibility_check(spec, held)
    rules.values_check(spec, unit, payload, held, exclude=exclude)
    return held


def changed_values(filing: Filing, payload: dict[str, Any]) -> dict[str, Any]:
    """The filing's values with the change applied."""
    return {**filing_values(filing), **{k: v for k, v in payload.items() if k in VALUE_FIELDS}}


def change_check(
    spec: FilingKind, unit: Unit, payload: dict[str, Any], *, scope: PersonScope | None = None
) -> Filing:
    held = rules.person_check(unit, payload.get("person"), today=_today(), scope=scope)
    filing = rules.filing_in_force(unit, payload.get("filing"), payload.get("person"))
    if filing.kind != spec.kind:
        raise ApplicationError(FilingErrorCode.FILING_NOT_FOUND, "未查询到该备案信息")
    rules.change_window_check(spec, filing, _today())
    merged = _with_referral_end(spec, changed_values(filing, payload))
    rules.values_check(spec, unit, merged, held, exclude=filing.pk, insurance_start=False)
    return filing


def cancel_check(
    spec: FilingKind, unit: Unit, payload: dict[str, Any], *, scope: PersonScope | None = None
) -> Filing:
    rules.person_check(unit, payload.get("person"), today=_today(), scope=scope)
    filing = rules.filing_in_force(unit, payload.get("filing"), payload.get("person"))
    if filing.kind != spec.kind:
        raise ApplicationError(FilingErrorCode.FILING_NOT_FOUND, "未查询到该备案信息")
    rules.change_window_check(spec, filing, _today())
    return filing


# --- the draft the page saves ------------------------------------------------------------------


def filing_draft_save(
    *,
    kind: Any,  # a filings.types.FilingType (not imported: types imports this module)
    unit: Unit,
    actor: User,
    scope: PersonScope,
    person_id: int,
    values: dict[str, Any],
    filing_id: int | None = None,
    origin: RequestOrigin | None = None,
) -> Application:
    """Check the person (in the operator's 管理人群), the type's rules at their fields, then save
    the draft: a new one, or the person's open one of the same type and filing."""
    spec: FilingKind = kind.spec
    payload: dict[str, Any] = {"person": str(person_id)}
    if filing_id is not None:
        payload["filing"] = str(filing_id)
    payload.update({k: v for k, v in values.items() if k in kind.editable_fields})
    if kind.action == NEW:
        payload = _with_referral_end(spec, payload)
        new_filing_check(spec, unit, payload, scope=scope)
    elif kind.action == CHANGE:
        filing = change_check(spec, unit, payload, scope=scope)
        before = filing_values(filing)
        if all(str(before.get(k, "")) == str(v) for k, v in payload.items() if k in VALUE_FIELDS):
            raise ApplicationError(FilingErrorCode.INVALID_VALUE, "您未修改任何信息，无需提交")
    else:
        cancel_check(spec, unit, payload, scope=scope)
    return case_services.application_draft_save(
        kind=kind, unit=unit, actor=actor, payload=payload, origin=origin
    )


# --- what the application's steps do -----------------------------------------------------------


def _number_assign(filing: Filing) -> None:
    filing.number = f"BA{timezone.localdate():%Y%m%d}{filing.pk:08d}"
    filing.save(update_fields=["number"])


def _lock_person(person_id: Any) -> None:
    """Approvals of one person's filings, from any unit, one at a time (the overlap rule)."""
    Person.objects.select_for_update().filter(pk=int(str(person_id))).first()


def _filing_new(application: Application, spec: FilingKind, values: dict[str, Any]) -> Filing:
    filing = Filing(
        number=f"TMP{timezone.now():%Y%m%d%H%M%S%f}",
        kind=spec.kind,
        person_id=int(str(application.payload["person"])),
        unit=application.unit,
        insured_division_id=application.unit.division_id,
        application=application,
    )
    _values_set(filing, values)
    filing.save()
    _number_assign(filing)
    return filing


def new_filing_status_follow(spec: FilingKind, application: Application) -> None:
    """A new filing's application changed status: submitted → the filing is 申请中 (with the values
    submitted); back to draft or deleted → no filing; refused → 不予备案; returned → still 申请中.
    (Approval: `new_filing_apply`.)"""
    row = Filing.objects.filter(application=application).first()
    if application.status == Status.SUBMITTED:
        if row is None:
            _filing_new(application, spec, application.payload)
        elif row.status == Filing.Status.APPLYING:
            _values_set(row, application.payload)
            row.save()
    elif application.status in (Status.DRAFT, Status.DELETED, Status.WITHDRAWN):
        Filing.objects.filter(application=application, status=Filing.Status.APPLYING).delete()
    elif application.status == Status.REJECTED and row is not None and row.status == Filing.Status.APPLYING:
        row.status = Filing.Status.REFUSED
        row.ended_on = _today()
        row.save(update_fields=["status", "ended_on", "updated_at"])


def new_filing_apply(spec: FilingKind, application: Application) -> None:
    """Approval of a new filing: the rules again, then the filing is 已备案."""
    payload = application.payload
    _lock_person(payload.get("person"))
    row = Filing.objects.select_for_update().filter(application=application).first()
    new_filing_check(spec, application.unit, payload, exclude=row.pk if row else None)
    if row is None:
        row = _filing_new(application, spec, payload)
    _values_set(row, payload)
    row.status = Filing.Status.FILED
    row.filed_at = timezone.now()
    row.save()


def change_apply(spec: FilingKind, application: Application) -> None:
    """Approval of 变更备案: the version in force becomes 已变更, a new version is 已备案."""
    payload = application.payload
    _lock_person(payload.get("person"))
    old = change_check(spec, application.unit, payload)
    with transaction.atomic():
        Filing.objects.filter(pk=old.pk).update(
            status=Filing.Status.CHANGED, ended_by=application, ended_on=_today(), updated_at=timezone.now()
        )
        new = _filing_new(application, spec, _with_referral_end(spec, changed_values(old, payload)))
        new.previous = old
        new.status = Filing.Status.FILED
        new.filed_at = timezone.now()
        new.save()


def cancel_apply(spec: FilingKind, application: Application) -> None:
    """Approval of 取消备案: the filing is 已取消 from today, with the reason."""
    payload = application.payload
    _lock_person(payload.get("person"))
    filing = cancel_check(spec, application.unit, payload)
    Filing.objects.filter(pk=filing.pk, status=Filing.Status.FILED).update(
        status=Filing.Status.CANCELLED,
        ended_by=application,
        ended_on=_today(),
        cancel_reason=str(payload.get("cancel_reason", ""))[:200],
        updated_at=timezone.now(),
    )
