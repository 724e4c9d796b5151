"""Reaching a person or a filing from a URL: 404 for missing and for not this unit's (or outside
the operator's 管理人群, or not 正常参保) alike."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone

from yibao.core.errors import ApplicationError
from yibao.enrollment.models import Insurance
from yibao.enrollment.scope import PersonScope
from yibao.filings.kinds import FilingKind
from yibao.filings.models import Filing
from yibao.filings.rules import person_check


def access_filing_person(scope: PersonScope, person_id: int) -> list[Insurance]:
    """The person's insurances in force with the unit, within the scope; 404 otherwise."""
    try:
        return person_check(scope.unit, person_id, today=timezone.localdate(), scope=scope)
    except ApplicationError as exc:
        raise Http404 from exc


def access_filing(scope: PersonScope, spec: FilingKind, filing_id: int) -> tuple[Filing, list[Insurance]]:
    """The unit's filing of this kind, whose person is in scope and in force; 404 otherwise."""
    filing = Filing.objects.filter(pk=filing_id, unit=scope.unit, kind=spec.kind).first()
    if filing is None:
        raise Http404
    return filing, access_filing_person(scope, filing.person_id)
