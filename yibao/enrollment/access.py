"""Reaching a person from a URL or a form: 404 for missing and for not this unit's alike."""

from __future__ import annotations

from django.http import Http404

from yibao.enrollment.models import Person
from yibao.enrollment.scope import PersonScope
from yibao.enrollment.selectors import HELD


def access_person(scope: PersonScope, person_id: int) -> Person:
    """A person in scope with an active or paused insurance in the unit (人员信息变更), or 404."""
    person = Person.objects.filter(pk=person_id, pk__in=scope.insurances(HELD).values("person_id")).first()
    if person is None:
        raise Http404
    return person
