"""Reads of persons and insurance relations for the hall's enrollment pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from yibao.core.masking import mask_id_number
from yibao.core.reference import code_label
from yibao.enrollment.models import Insurance, Person
from yibao.enrollment.scope import PersonScope

# Insurances an operator may change the person's information through (人员信息变更).
HELD = (Insurance.Status.ACTIVE, Insurance.Status.PAUSED)


def actively_insured_ids(scope: PersonScope) -> QuerySet[Insurance, Any]:
    """Person ids in scope with an active insurance in the unit and no pause approved, in a stable
    order (one row each): whom 少量中断 offers."""
    return (
        scope.insurances([Insurance.Status.ACTIVE])
        .filter(pause_date__isnull=True)
        .values_list("person_id", flat=True)
        .order_by("person_id")
        .distinct()
    )


@dataclass(frozen=True)
class RosterRow:
    """One line of the 少量中断 list: 姓名, 证件号码 (masked), 人员类别, 险种, 参保日期."""

    person_id: int
    name: str
    cert_no_masked: str
    psn_type: str
    insutypes: str
    start_date: str


def roster_rows(scope: PersonScope, person_ids: list[int]) -> list[RosterRow]:
    """The given persons' active insurances in the unit, in the order of `person_ids`; persons
    without one, or outside the scope, are left out. Two queries whatever the number of rows."""
    insurances = (
        scope.insurances([Insurance.Status.ACTIVE])
        .filter(person_id__in=person_ids)
        .select_related("person")
        .order_by("person_id", "insutype")
    )
    grouped: dict[int, list[Insurance]] = {}
    for insurance in insurances:
        grouped.setdefault(insurance.person_id, []).append(insurance)
    rows = []
    for person_id in person_ids:
        held = grouped.get(person_id)
        if not held:
            continue
        person = held[0].person
        rows.append(
            RosterRow(
                person_id=person_id,
                name=person.name,
                cert_no_masked=mask_id_number(person.cert_no),
                psn_type=code_label("psn_type", held[0].psn_type),
                insutypes="、".join(code_label("insutype", i.insutype) for i in held),
                start_date=min(i.start_date for i in held).isoformat(),
            )
        )
    return rows


def person_in_unit_by_cert_no(
    scope: PersonScope, cert_no: str, *, statuses: tuple[str, ...] = HELD
) -> Person | None:
    """A person in scope found by 证件号码 (any 证件类型), with an insurance in `statuses`."""
    number = cert_no.strip().upper()
    if not number:
        return None
    return (
        Person.objects.filter(cert_no=number, pk__in=scope.insurances(statuses).values("person_id"))
        .distinct()
        .order_by("pk")
        .first()
    )


def persons_label(person_ids: list[int]) -> str:
    """姓名（证件号码 masked）, for the application's pages and printed form."""
    names = {p.pk: p for p in Person.objects.filter(pk__in=person_ids)}
    return "、".join(
        f"{names[i].name}（{mask_id_number(names[i].cert_no)}）" for i in person_ids if i in names
    )


def persons_with_cert(cert_type: str, cert_no: str) -> QuerySet[Person]:
    """The person registered with this 证件 (none or one), as typed into a query."""
    return Person.objects.filter(cert_type=cert_type, cert_no=cert_no.strip().upper())
