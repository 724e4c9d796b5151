"""职工花名册查询: one row per person insured with the unit, filtered, paged and exported.

The list is built in two steps so that a unit of 100,000 employees answers fast on any page:

1. a narrow query of distinct person ids over the unit's insurance relations, ordered by person
   id. The index `enrollment_insu_roster_idx` (unit, person, psn_type, status, insutype,
   start_date) holds every column it reads, so the count and an OFFSET of any depth are
   index-only scans of the unit's own entries;
2. the rows of the page's (at most 20) persons, with their relations, in one more query.

The export walks the same id query by keyset (person id > the last one) in chunks.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from yibao.core.masking import MASKED, IdentityDisplay
from yibao.core.reference import code_choices
from yibao.enrollment.models import Insurance, Person
from yibao.enrollment.standing import status_filter, status_now
from yibao.queries.selectors import PsnTypes, in_population
from yibao.units.models import Unit

EXPORT_CHUNK = 2000
ROW_FIELDS = (
    "person_id", "insutype", "status_now", "psn_type", "start_date",
    "person__name", "person__cert_no", "person__gender",
)  # fmt: skip


@dataclass(frozen=True)
class RosterFilters:
    """The roster's 查询条件; `person_ids` are the persons found by 证件号码 (None: no filter)."""

    name: str = ""
    person_ids: tuple[int, ...] | None = None
    psn_type: str = ""
    status: str = ""
    insutype: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None


@dataclass(frozen=True)
class RosterRow:
    """姓名, 证件号码 (as the operator may see it), 性别, 人员类别, 险种, 参保状态, 参保日期 of one person."""

    person_id: int
    name: str
    cert_no_shown: str
    gender: str
    psn_type: str
    insutypes: str
    status: str
    start_date: str


def persons_by_cert_no(*, unit: Unit, psn_types: PsnTypes, cert_no: str) -> tuple[int, ...]:
    """Ids of the unit's persons (in the 管理人群) holding this 证件号码, of any 证件类型."""
    number = cert_no.strip().upper()
    if not number:
        return ()
    insured = in_population(Insurance.objects.filter(unit=unit, person=OuterRef("pk")), psn_types)
    return tuple(
        Person.objects.filter(cert_no=number)
        .filter(Exists(insured))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def roster_insurances(*, unit: Unit, psn_types: PsnTypes, filters: RosterFilters) -> QuerySet[Insurance]:
    """The unit's insurance relations that match the filters, in the 管理人群."""
    insurances = in_population(Insurance.objects.filter(unit=unit), psn_types)
    if filters.person_ids is not None:
        insurances = insurances.filter(person_id__in=filters.person_ids)
    if filters.name:
        insurances = insurances.filter(person__name=filters.name)
    if filters.psn_type:
        insurances = insurances.filter(psn_type=filters.psn_type)
    if filters.status:  # as of today: a pause counts from its date
        insurances = insurances.filter(status_filter(filters.status, timezone.localdate()))
    if filters.insutype:
        insurances = insurances.filter(insutype=filters.insutype)
    if filters.start:
        insurances = insurances.filter(start_date__gte=filters.start)
    if filters.end:
        insurances = insurances.filter(start_date__lte=filters.end)
    return insurances


def roster_person_ids(*, unit: Unit, psn_types: PsnTypes, filters: RosterFilters) -> QuerySet[Insurance, int]:
    """Distinct ids of the matching persons, ascending: what the paginator counts and slices."""
    return (
        roster_insurances(unit=unit, psn_types=psn_types, filters=filters)
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .distinct()
    )


def roster_rows(
    *, unit: Unit, psn_types: PsnTypes, person_ids: list[int], identity: IdentityDisplay = MASKED
) -> list[RosterRow]:
    """The rows of these persons, in their order, from all their relations with the unit in the
    管理人群 (one query, read as plain tuples: an export reads 100,000 of them)."""
    relations = (
        in_population(Insurance.objects.filter(unit=unit, person_id__in=person_ids), psn_types)
        .annotate(status_now=status_now(timezone.localdate()))
        .order_by("person_id", "insutype", "-start_date")
        .values_list(*ROW_FIELDS)
    )
    grouped: dict[int, list[tuple[Any, ...]]] = {}
    for relation in relations:
        grouped.setdefault(relation[0], []).append(relation)
    labels = _Labels()
    return [_row(grouped[i], labels, identity) for i in person_ids if i in grouped]


class _Labels:
    """Code labels looked up once per batch of rows."""

    def __init__(self) -> None:
        self.tables = {
            t: dict(code_choices(t, include_inactive=True)) for t in ("gend", "psn_type", "insutype")
        }
        self.tables["status"] = dict(Insurance.Status.choices)

    def __call__(self, table: str, code: str) -> str:
        return self.tables[table].get(code, code)


# The current relation of each 险种 comes first: active, then paused, then the newest.
_STATUS_ORDER = {Insurance.Status.ACTIVE.value: 0, Insurance.Status.PAUSED.value: 1}


def _row(held: list[tuple[Any, ...]], label: _Labels, identity: IdentityDisplay) -> RosterRow:
    current: dict[str, tuple[Any, ...]] = {}
    for relation in sorted(held, key=lambda r: _STATUS_ORDER.get(r[2], 2)):
        current.setdefault(relation[1], relation)
    relations = sorted(current.values(), key=lambda r: r[1])
    person_id, _insutype, _status, psn_type, _start, name, cert_no, gender = relations[0]
    return RosterRow(
        person_id=person_id,
        name=name,
        cert_no_shown=identity.id_number(cert_no),
        gender=label("gend", gender),
        psn_type=label("psn_type", psn_type),
        insutypes="、".join(label("insutype", r[1]) for r in relations),
        status="、".join(dict.fromkeys(label("status", r[2]) for r in relations)),
        start_date=min(r[4] for r in relations).isoformat(),
    )


def roster_export_rows(
    *, unit: Unit, psn_types: PsnTypes, filters: RosterFilters, identity: IdentityDisplay = MASKED
) -> Iterator[RosterRow]:
    """Every matching row, walking the ids by keyset in chunks (two queries per chunk)."""
    ids = roster_person_ids(unit=unit, psn_types=psn_types, filters=filters)
    last = 0
    while True:
        chunk = list(ids.filter(person_id__gt=last)[:EXPORT_CHUNK])
        if not chunk:
            return
        yield from roster_rows(unit=unit, psn_types=psn_types, person_ids=chunk, identity=identity)
        last = chunk[-1]
