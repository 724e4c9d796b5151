"""Reads of contributions, always scoped to one unit and narrowed to the operator's 管理人群.

- 单位缴费信息查询 reads the summary (`UnitContributionMonth`): one grouped query, whatever the
  unit's size; the 管理人群 narrows it by the summary's 人员类别.
- The detail (缴费明细导出, 个人缴费信息查询) reads `Contribution`; the 管理人群 narrows it to
  rows whose person has an insurance of that 险种 in this unit with one of the 人员类别.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, QuerySet, Sum

from yibao.contributions.models import Contribution, UnitContributionMonth
from yibao.enrollment.models import Insurance, Person
from yibao.units.models import Unit

EXPORT_CHUNK = 2_000
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class MonthRow:
    """One line of 单位缴费信息查询 (or the totals line, period None)."""

    period: int | None
    insutype: str
    base_total: Decimal
    unit_total: Decimal
    personal_total: Decimal
    persons: int
    arrival: str
    arrival_date: Any

    @property
    def total(self) -> Decimal:
        return self.unit_total + self.personal_total


def _arrival(low: str, high: str) -> str:
    """The month's 到账状态 from its parts: one status when all agree, else 部分到账."""
    return low if low == high else Contribution.Arrival.PARTIAL.value


def unit_contribution_months(
    *, unit: Unit, start: int, end: int, insutype: str = "", psn_types: Sequence[str] | None = None
) -> list[MonthRow]:
    """Per 费款所属期 and 险种, newest first: one grouped query on the summary."""
    rows = UnitContributionMonth.objects.filter(unit=unit, period__gte=start, period__lte=end)
    if insutype:
        rows = rows.filter(insutype=insutype)
    if psn_types is not None:
        rows = rows.filter(psn_type__in=psn_types)
    grouped = (
        rows.values("period", "insutype")
        .annotate(
            base=Sum("base_total"),
            unit_amount=Sum("unit_total"),
            personal=Sum("personal_total"),
            count=Sum("persons"),
            low=Min("arrival"),
            high=Max("arrival"),
            day=Max("arrival_date"),
        )
        .order_by("-period", "insutype")
    )
    return [
        MonthRow(
            period=r["period"],
            insutype=r["insutype"],
            base_total=r["base"],
            unit_total=r["unit_amount"],
            personal_total=r["personal"],
            persons=r["count"],
            arrival=_arrival(r["low"], r["high"]),
            arrival_date=r["day"],
        )
        for r in grouped
    ]


def month_totals(rows: Sequence[MonthRow]) -> MonthRow:
    """合计 of the lines shown (缴费人数 adds up person-months)."""
    return MonthRow(
        period=None,
        insutype="",
        base_total=sum((r.base_total for r in rows), ZERO),
        unit_total=sum((r.unit_total for r in rows), ZERO),
        personal_total=sum((r.personal_total for r in rows), ZERO),
        persons=sum(r.persons for r in rows),
        arrival="",
        arrival_date=None,
    )


def _in_population(
    rows: QuerySet[Contribution], unit: Unit, psn_types: Sequence[str] | None
) -> QuerySet[Contribution]:
    if psn_types is None:
        return rows
    covered = Insurance.objects.filter(
        person_id=OuterRef("person_id"), unit=unit, insutype=OuterRef("insutype"), psn_type__in=psn_types
    )
    return rows.filter(Exists(covered))


def unit_contribution_detail(
    *, unit: Unit, start: int, end: int, insutype: str = "", psn_types: Sequence[str] | None = None
) -> Iterator[tuple[Any, ...]]:
    """缴费明细 of the range, by month then person, streamed in chunks (a server-side cursor on
    PostgreSQL): (费款所属期, 姓名, 证件号码, 险种, 缴费基数, 单位缴费, 个人缴费, 到账状态)."""
    rows = Contribution.objects.filter(unit=unit, period__gte=start, period__lte=end)
    if insutype:
        rows = rows.filter(insutype=insutype)
    rows = _in_population(rows, unit, psn_types)
    return (
        rows.order_by("period", "person_id", "insutype")
        .values_list(
            "period",
            "person__name",
            "person__cert_no",
            "insutype",
            "base",
            "unit_amount",
            "personal_amount",
            "arrival",
        )
        .iterator(chunk_size=EXPORT_CHUNK)
    )


@dataclass(frozen=True)
class PersonQuery:
    cert_type: str = ""
    cert_no: str = ""
    name: str = ""
    start: int = 0
    end: int = 0
    insutype: str = ""
    arrival: str = ""


def query_persons(query: PersonQuery) -> QuerySet[Person]:
    """The persons a 个人缴费信息查询 asks for, by 证件 and/or 姓名 (anybody's, not narrowed)."""
    persons = Person.objects.all()
    if query.cert_no:
        persons = persons.filter(cert_type=query.cert_type, cert_no=query.cert_no)
    if query.name:
        persons = persons.filter(name=query.name)
    return persons


def query_persons_of_unit(*, unit: Unit, query: PersonQuery, psn_types: Sequence[str] | None) -> bool:
    """Whether the persons asked for are the unit's (any insurance relation, any status) in the
    operator's 管理人群: an empty result then means no contributions yet, not nobody."""
    relations = Insurance.objects.filter(unit=unit, person__in=query_persons(query).values("pk"))
    if psn_types is not None:
        relations = relations.filter(psn_type__in=psn_types)
    return relations.exists()


def person_contribution_rows(
    *, unit: Unit, query: PersonQuery, psn_types: Sequence[str] | None = None
) -> QuerySet[Contribution]:
    """个人缴费信息查询: the month rows of the persons asked for, of this unit only, newest first."""
    rows = Contribution.objects.filter(
        unit=unit,
        person__in=query_persons(query).values("pk"),
        period__gte=query.start,
        period__lte=query.end,
    )
    if query.insutype:
        rows = rows.filter(insutype=query.insutype)
    if query.arrival:
        rows = rows.filter(arrival=query.arrival)
    rows = _in_population(rows, unit, psn_types)
    return rows.select_related("person").order_by("-period", "person__name", "person_id", "insutype")


def person_contribution_totals(rows: QuerySet[Contribution]) -> dict[str, Any]:
    """合计 and the row count of the query in one aggregate."""
    totals = rows.order_by().aggregate(
        rows=Count("id"),
        base=Sum("base"),
        unit_amount=Sum("unit_amount"),
        personal=Sum("personal_amount"),
    )
    for key in ("base", "unit_amount", "personal"):
        totals[key] = totals[key] or ZERO
    totals["total"] = totals["unit_amount"] + totals["personal"]
    return totals
