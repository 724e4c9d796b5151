"""Writes of the information changes: the one draft service behind the four 信息变更 pages."""

from __future__ import annotations

from typing import Any

from yibao.accounts.models import User
from yibao.cases import services as case_services
from yibao.cases.models import Application
from yibao.changes.error_codes import ChangeErrorCode
from yibao.changes.kinds import InfoChange
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.enrollment.scope import PersonScope
from yibao.enrollment.selectors import HELD
from yibao.units.models import Unit


def info_change_draft_save(
    *,
    kind: InfoChange,
    unit: Unit,
    actor: User,
    values: dict[str, Any],
    subject: dict[str, str] | None = None,
    scope: PersonScope | None = None,
    application: Application | None = None,
    origin: RequestOrigin | None = None,
) -> Application:
    """Check the values of the editable fields against the record (the unit's own, or the
    subject's within the unit: e.g. `{"person": "12"}`), refuse a change that changes nothing,
    then save the draft (or update the open one)."""
    given = subject or {}
    payload = {
        **{name: str(given.get(name, "")) for name in kind.subject},
        **{k: v for k, v in values.items() if k in kind.editable_fields},
    }
    if "person" in kind.subject:  # the person must be in the operator's 管理人群, as on the page
        person_id = str(payload["person"])
        held = None if scope is None or scope.unit.pk != unit.pk else scope.insurances(HELD)
        if held is None or not held.filter(person_id=int(person_id) if person_id.isdigit() else 0).exists():
            raise ApplicationError(ChangeErrorCode.PERSON_NOT_FOUND, "未查询到该人员在本单位的参保信息")
    current = kind.current_values(unit, payload)  # refuses a subject that is not the unit's
    if kind.record_check is not None:
        kind.record_check(current, payload)
    if all(str(current.get(k, "")) == str(v) for k, v in payload.items() if k not in kind.subject):
        raise ApplicationError(ChangeErrorCode.NOTHING_CHANGED, "您未修改任何信息，无需提交")
    return case_services.application_draft_save(
        kind=kind, unit=unit, actor=actor, payload=payload, application=application, origin=origin
    )
