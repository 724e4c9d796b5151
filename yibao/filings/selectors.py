"""Reads of 异地就医备案 for the hall's pages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from yibao.cases.models import Application
from yibao.core.masking import mask_id_number
from yibao.core.reference import code_label
from yibao.core.selectors import division_full_name
from yibao.enrollment.models import Insurance, Person
from yibao.enrollment.scope import PersonScope
from yibao.enrollment.standing import in_force
from yibao.filings.models import Filing


def person_in_force_by_cert_no(scope: PersonScope, cert_no: str, today: datetime.date) -> Person | None:
    """A person of the scope (the unit and the operator's 管理人群) who is 正常参保 today, found by
    证件号码 (any 证件类型)."""
    number = cert_no.strip().upper()
    if not number:
        return None
    insured = scope.insurances().filter(in_force(today)).values("person_id")
    return Person.objects.filter(cert_no=number, pk__in=insured).order_by("pk").first()


@dataclass(frozen=True)
class PersonSummary:
    name: str
    cert_no_masked: str
    psn_type: str
    insutypes: str
    start_date: str


def person_summary(held: list[Insurance]) -> PersonSummary:
    person = held[0].person
    return PersonSummary(
        name=person.name,
        cert_no_masked=mask_id_number(person.cert_no),
        psn_type=code_label("psn_type", held[0].psn_type),
        insutypes="、".join(code_label("insutype", i.insutype) for i in held),
        start_date=min(i.start_date for i in held).isoformat(),
    )


def person_filings(unit_id: int, person_id: int) -> QuerySet[Filing]:
    """The unit's filings of the person, every version and status, newest first."""
    return Filing.objects.filter(unit_id=unit_id, person_id=person_id).select_related(
        "application", "ended_by"
    )


def filing_place(filing: Filing) -> str:
    return division_full_name(filing.care_division_id)


def filing_history(filing: Filing) -> list[Filing]:
    """The versions of a filing, from the first to this one."""
    chain = [filing]
    while chain[-1].previous_id is not None:
        chain.append(Filing.objects.get(pk=chain[-1].previous_id))
    return list(reversed(chain))


def open_filing_application(unit_id: int, open_key: str) -> Application | None:
    """The application holding the person's 备案 matter open at the unit, if any."""
    return Application.objects.filter(unit_id=unit_id, open_key=open_key).first()
