"""Writes of the contributions app that pages make: the audit of a personal query.

The feed import (`feed.contributions_import`) is the one service that writes contributions."""

from __future__ import annotations

from collections.abc import Sequence

from yibao.accounts.models import User
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.enrollment.models import Person
from yibao.units.models import Unit

PERSON_QUERY_ACTION = "contributions.person_query"


def person_contributions_viewed(
    *, actor: User, unit: Unit, persons: Sequence[Person], months: tuple[int, int], origin: RequestOrigin
) -> None:
    """Who looked at whose contributions: one event per query shown, naming the persons by
    人员编号 (never their ID numbers)."""
    audit_event_record(
        actor=actor,
        action=PERSON_QUERY_ACTION,
        unit=unit,
        after={
            "persons": sorted({p.psn_no for p in persons}),
            "person_ids": sorted({p.pk for p in persons}),
            "months": list(months),
        },
        origin=origin,
    )
