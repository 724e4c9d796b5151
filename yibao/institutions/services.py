"""Writes of 定点医药机构信息变更: the draft the form page saves (submitting, review and approval
are the shared `cases` services; approval writes through `types._apply`)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from yibao.accounts.models import User
from yibao.cases import services as case_services
from yibao.cases.models import Application
from yibao.cases.types import ApplicationType
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.institutions.areas import Area
from yibao.institutions.error_codes import InstitutionErrorCode
from yibao.institutions.rules import (
    CLAIM_FIELD,
    CLAIM_IN_FUTURE,
    LEGAL_REP_NOT_TICKED,
    LEGAL_REP_UNCHANGED,
    change_refusals,
)
from yibao.institutions.types import institution_required, legal_rep_now
from yibao.units.models import Unit

CODES = {
    LEGAL_REP_NOT_TICKED: InstitutionErrorCode.LEGAL_REP_NOT_TICKED,
    LEGAL_REP_UNCHANGED: InstitutionErrorCode.LEGAL_REP_UNCHANGED,
    CLAIM_IN_FUTURE: InstitutionErrorCode.CLAIM_IN_FUTURE,
}


def institution_change_draft_save(
    *,
    area: Area,
    kind: ApplicationType,
    unit: Unit,
    actor: User,
    values: dict[str, Any],
    application: Application | None = None,
    origin: RequestOrigin | None = None,
) -> Application:
    """Check the 法人, 变更内容 and 贯标平台变更时间 against the institution the hall holds (the
    first refusal at its field), then save the draft, or update the open one (draft or returned)."""
    institution = institution_required(unit, area)
    payload = {name: values.get(name, "") for name in kind.editable_fields}
    refusals = change_refusals(
        legal_rep_now=legal_rep_now(institution),
        plaf_updt_time=institution.plaf_updt_time,
        synced_at=institution.synced_at,
        payload=payload,
        now=timezone.now(),
    )
    if refusals:
        first = refusals[0]
        code = CODES.get(
            first.message,
            InstitutionErrorCode.NOT_SYNCED_YET
            if first.field == CLAIM_FIELD
            else InstitutionErrorCode.INVALID_VALUE,
        )
        raise ApplicationError(code, first.message, field=first.field)
    return case_services.application_draft_save(
        kind=kind, unit=unit, actor=actor, payload=payload, application=application, origin=origin
    )
