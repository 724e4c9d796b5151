"""An information change (信息变更): an application type that edits some fields of one record,
the unit's own (单位参保信息变更) or one person's of the unit (职工参保信息变更), with what its
form page and its draft need beyond the type.

All four changes share one algorithm (`views.py`, `services.py`): find the record, show its
current values, take the editable (pencil) fields, check them against the record, save the draft
and go on in the shared workspace; approval checks the payload again and writes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings

from yibao.cases.models import Application
from yibao.cases.types import ApplicationType, form_values
from yibao.changes.error_codes import ChangeErrorCode


@dataclass(frozen=True)
class InfoChange(ApplicationType):
    record: str = ""  # the heading over the record's current values on the form page
    # Values never put into the page in full (ID and mobile numbers): left empty, the current one
    # stays, so they are not marked required.
    kept: tuple[str, ...] = ()
    # Rules that need the record, given its current values and the payload: an ApplicationError at
    # the field when refused. Run when saving the draft and again when applying.
    record_check: Callable[[dict[str, Any], dict[str, Any]], None] | None = None
    # With a `subject`: `form_page` finds it, this URL name (taking its id) is the form for one.
    subject_page: str = ""
    columns: bool = False  # the editable fields side by side rather than one under another


def applying(
    form: type[forms.Form], write: Callable[[Application, dict[str, Any]], None]
) -> Callable[[Application], None]:
    """An information change's `apply`: the payload checked by the form again (a rule may have
    changed since it was submitted), then `write` puts the values into the record."""

    def apply(application: Application) -> None:
        write(application, form_values(form, application.payload, code=ChangeErrorCode.INVALID_VALUE))

    return apply


def setting_on(name: str) -> Callable[[], bool]:
    """An `auto_approve` read from a setting when it is asked (on unless the setting says off)."""
    return lambda: bool(getattr(settings, name, True))
