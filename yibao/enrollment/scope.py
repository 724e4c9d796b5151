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

from yibao.enrollment.models import Insurance
from yibao.operators.access import GrantedRequest, population_psn_types
from yibao.units.models import Unit

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
