"""The review page's side-by-side view: each field of an application's type as it was when
submitted (`before`), as the record is now (`kind.current_values`: the unit's, or the person's it names) and as the unit asks for it
(`payload`), with what changes marked. Values are shown as a person reads them: code labels,
region names, and ID and phone numbers masked (DESIGN §4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from yibao.cases.models import Application
from yibao.cases.selectors import display_value as shown_value
from yibao.cases.selectors import value_code
from yibao.cases.types import ApplicationType, FieldSpec
from yibao.core.errors import ApplicationError


@dataclass(frozen=True)
class ComparedField:
    name: str
    label: str
    editable: bool
    before: str
    current: str
    proposed: str
    changed: bool  # the application changes this field
    moved: bool  # the record changed since the application was submitted


def display_value(spec: FieldSpec, value: Any) -> str:
    """The value as the hall shows it (`cases.selectors.display_value`: labels, masks), with the
    code behind a label, which the reviewer keys into the core system: «企业（10）»."""
    text = shown_value(spec.name, value, spec=spec)
    if not text:
        return "—"
    code = value_code(spec.name, value) if spec.shown is None else ""
    if spec.name == "division" and str(value) not in text:
        code = str(value)
    return f"{text}（{code}）" if code and code != text else text


def compare(application: Application, kind: ApplicationType) -> list[ComparedField]:
    try:  # the unit's record, or the subject's (a person) within the unit
        current = kind.current_values(application.unit, application.payload)
    except ApplicationError:  # the subject is no longer the unit's: nothing to show as 当前
        current = {}
    rows = []
    for spec in kind.fields:
        before = application.before.get(spec.name, "")
        now = current.get(spec.name, "")
        asked = application.payload.get(spec.name) if spec.editable else None
        changed = spec.editable and spec.name in application.payload and _text(asked) != _text(before)
        rows.append(
            ComparedField(
                name=spec.name,
                label=spec.label,
                editable=spec.editable,
                before=display_value(spec, before),
                current=display_value(spec, now),
                proposed=display_value(spec, asked) if asked is not None else "—",
                changed=changed and kind.changes_record,
                moved=_text(now) != _text(before),
            )
        )
    return rows


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    return "" if value is None else str(value)
