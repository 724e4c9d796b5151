"""Whose records a handling page, a service or a background job may touch (管理人群).

An operator works for one unit and, when the grant names 管理人群, in one of them at a time (the
switch in the hall's header): its 人员类别 narrow every person the operator may find, list,
change, interrupt or enroll. `PersonScope` carries that choice from the request into the selectors,
the services and the batch worker, so a person outside it is «not found» everywhere alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from yibao.enrollment.models import Insurance, Person
from yibao.operators.access import (
    GrantedRequest,
    current_population_code,
    current_population_set,
    population_psn_types,
)
from yibao.operators.selectors import binding_populations
from yibao.units.models import Population, Unit

OUTSIDE_POPULATION = "人员类别不在您当前的管理人群内，请切换管理人群后办理"


@dataclass(frozen=True)
class PersonScope:
    unit: Unit
    psn_types: tuple[str, ...] | None = None  # None: the grant names no 管理人群 (the whole unit)

    def insurances(self, statuses: Iterable[str] | None = None) -> QuerySet[Insurance]:
        """The unit's insurance relations of persons in scope (in `statuses` when given)."""
        rows = Insurance.objects.filter(unit=self.unit)
        if statuses is not None:
            rows = rows.filter(status__in=list(statuses))
        if self.psn_types is not None:
            rows = rows.filter(psn_type__in=self.psn_types)
        return rows

    def covers(self, psn_type: str) -> bool:
        return self.psn_types is None or psn_type in self.psn_types


def person_scope(request: GrantedRequest) -> PersonScope:
    """The scope of a business page: its unit and the operator's current 管理人群."""
    return PersonScope(unit=request.unit, psn_types=population_psn_types(request, request.binding))


@dataclass(frozen=True)
class PopulationHint:
    """A person asked for who is the unit's but in another of the operator's 管理人群: said so,
    with the switch, rather than «not found»."""

    current: Population
    other: Population

    @property
    def message(self) -> str:
        return (
            f"该人员不在您当前的管理人群（{self.current.name}）内，属于您可办理的「{self.other.name}」，"
            "请切换管理人群后查询"
        )


def population_hint(request: GrantedRequest, persons: QuerySet[Person]) -> PopulationHint | None:
    """When `persons` (found by what the operator typed) have no relation with the unit in the
    current 管理人群 but have one in another the grant names: that one (one query for the
    populations, one for the persons' 人员类别 with the unit). None otherwise, so a person of a
    population the operator is not granted stays «not found»."""
    populations = binding_populations(request.binding)
    code = current_population_code(request, request.binding, [p.code for p in populations])
    if code is None:  # the grant names no 管理人群: the whole unit was searched
        return None
    current = next(p for p in populations if p.code == code)
    held = set(
        Insurance.objects.filter(unit=request.unit, person__in=persons)
        .values_list("psn_type", flat=True)
        .distinct()
    )
    other = next((p for p in populations if p.code != code and held & set(p.psn_types)), None)
    return None if other is None else PopulationHint(current=current, other=other)


SWITCH_FIELD = "population"


def population_switch_asked(request: GrantedRequest) -> Population | None:
    """The 管理人群 the operator switched to with the button of a `PopulationHint` (posted with
    the query it answers, so the query runs again in it), if any and granted."""
    code = request.POST.get(SWITCH_FIELD, "") if request.method == "POST" else ""
    if not code or not current_population_set(request, request.binding, code):
        return None
    return next((p for p in binding_populations(request.binding) if p.code == code), None)
