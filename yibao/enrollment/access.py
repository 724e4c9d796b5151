"""Reaching a person from a URL or a form: 404 for missing and for not this unit's alike."""

from __future__ import annotations

from django.http import Http404

from yibao.enrollment.models import Person
from yibao.enrollment.selectors import HELD
from yibao.units.models import Unit


def access_person(unit: Unit, person_id: int) -> Person:
    """A person with an active or paused insurance in the unit (人员信息变更), or 404."""
    person = (
        Person.objects.filter(pk=person_id, insurances__unit=unit, insurances__status__in=HELD)
        .distinct()
        .first()
    )
    if person is None:
        raise Http404
    return person
