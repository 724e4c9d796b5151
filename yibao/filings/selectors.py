"""Reads of 异地就医备案 for the hall's pages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from yibao.cases.models import Application
from yibao.core.masking import mask_id_number
from yibao.core.reference import code_label
from yibao.core.selectors import division_full_name, division_get
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


# --- 异地就医备案信息查询 (the query service reads these) --------------------------------------


@dataclass(frozen=True)
class FilingFilters:
    """The 查询条件 of 异地就医备案信息查询; empty ones do not narrow. `person_ids` are the persons
    found by 证件号码 (None: no such filter); `care_division` a province (its cities and itself)
    or a city; `start`/`end` bound the 开始日期."""

    person_ids: tuple[int, ...] | None = None
    name: str = ""
    kind: str = ""
    care_division: str | None = None
    status: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None


def unit_filings(scope: PersonScope, filters: FilingFilters = FilingFilters()) -> QuerySet[Filing]:
    """The unit's filings (every version and status) of persons in the scope's 管理人群: a person
    counts when they hold an insurance relation with the unit of one of its 人员类别. Newest
    first; the person read along."""
    filings = Filing.objects.filter(unit=scope.unit)
    if scope.psn_types is not None:
        filings = filings.filter(Exists(scope.insurances().filter(person=OuterRef("person_id"))))
    if filters.person_ids is not None:
        filings = filings.filter(person_id__in=filters.person_ids)
    if filters.name:
        filings = filings.filter(person__name=filters.name)
    if filters.kind:
        filings = filings.filter(kind=filters.kind)
    if filters.care_division:
        node = division_get(filters.care_division)
        if node is not None and node.level == 1:  # a province: its cities, or itself (直辖市)
            filings = filings.filter(Q(care_division_id=node.code) | Q(care_division__parent_id=node.code))
        else:
            filings = filings.filter(care_division_id=filters.care_division)
    if filters.status:
        filings = filings.filter(status=filters.status)
    if filters.start:
        filings = filings.filter(start_date__gte=filters.start)
    if filters.end:
        filings = filings.filter(start_date__lte=filters.end)
    return filings.select_related("person").order_by("-pk")


CURRENT_STATUSES = (Filing.Status.FILED, Filing.Status.APPLYING)


def person_current_filings(unit_id: int, person_id: int, today: datetime.date) -> list[Filing]:
    """The person's filings at the unit that are in force or under review today: 已备案 or
    申请中 and not past their 结束日期 (a long-term one has none). 已备案 first, then by 开始日期."""
    rows = (
        Filing.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today),
            unit_id=unit_id,
            person_id=person_id,
            status__in=CURRENT_STATUSES,
        )
        .select_related("person", "application")
        .order_by("start_date", "pk")
    )
    return sorted(rows, key=lambda f: f.status != Filing.Status.FILED)
