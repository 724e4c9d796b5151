"""The review page's side-by-side view: each field of an application's type as it was when
submitted (`before`), as the record is now (`kind.current_values`: the unit's, or the person's it names) and as the unit asks for it
(`payload`), with what changes marked. Values are shown as a person reads them: code labels,
region names, and ID and phone numbers masked (DESIGN §4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from yibao.cases.models import Application
from yibao.cases.types import ApplicationType
from yibao.core.errors import ApplicationError
from yibao.core.masking import mask_id_number, mask_phone
from yibao.core.reference import code_label
from yibao.core.selectors import division_full_name

# Fields whose values are codes of a reference table.
CODE_TABLES = {"emp_type": "emp_type", "legal_rep_cert_type": "psn_cert_type", "cert_type": "psn_cert_type"}


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


def display_value(name: str, value: Any) -> str:
    text = "" if value is None else str(value)
    if not text:
        return "—"
    if name in CODE_TABLES:
        label = code_label(CODE_TABLES[name], text)
        return f"{label}（{text}）" if label and label != text else text
    if name == "division":
        full = division_full_name(text)
        return f"{full}（{text}）" if full else text
    if name.endswith("cert_no"):
        return mask_id_number(text)
    if "phone" in name or "mobile" in name:
        return mask_phone(text) if text.isdigit() else text
    return text


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
        changed = spec.editable and spec.name in application.payload and str(asked) != str(before)
        rows.append(
            ComparedField(
                name=spec.name,
                label=spec.label,
                editable=spec.editable,
                before=display_value(spec.name, spec.shown(before)),
                current=display_value(spec.name, spec.shown(now)),
                proposed=display_value(spec.name, spec.shown(asked)) if asked is not None else "—",
                changed=changed,
                moved=str(now) != str(before),
            )
        )
    return rows
