"""How the enrollment applications read on the shared application pages (workspace, detail,
printed form): code values as labels, the interrupted persons by name with masked ID numbers,
and the form page the workspace links back to (修改申报内容)."""

from __future__ import annotations

from collections.abc import Callable

from yibao.core.reference import code_label


def _code(table: str) -> Callable[[str], str]:
    return lambda value: code_label(table, value)


def _persons(value: str) -> str:
    from yibao.enrollment.interruption import person_ids_parse
    from yibao.enrollment.selectors import persons_label

    try:
        ids = person_ids_parse(value)
    except ValueError:
        return value
    return persons_label(ids)


def _reason(value: str) -> str:
    from yibao.enrollment.interruption import InterruptionReason

    return str(dict(InterruptionReason.choices).get(value, value))


def display_register() -> None:
    """Add our payload fields to the shared tables (field names unused by other types)."""
    from yibao.cases.selectors import VALUE_LABELS

    VALUE_LABELS.setdefault("gender", _code("gend"))
    VALUE_LABELS.setdefault("nation", _code("naty"))
    VALUE_LABELS.setdefault("emp_form", _code("emp_fom"))
    VALUE_LABELS.setdefault("interrupted_persons", _persons)
    VALUE_LABELS.setdefault("interruption_reason", _reason)
