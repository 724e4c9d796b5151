"""Persons already in an application of the unit waiting for the agency's review (待审核).

A person may be in one pending 职工参保登记 and one pending 职工中断参保 at a time, whether it was
filed alone or in a batch file: the batch validation, the single forms' checks and every
submission (`ApplicationType.check`) ask here, so a second application of the same person is
refused to the operator before it reaches the reviewer, not at approval.

Only applications of the same unit count: another unit's pending business is not this unit's to
know (approval checks the records again and refuses a conflict there).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from yibao.cases.models import Application, LineItem, Status
from yibao.units.models import Unit

# The application types whose persons are looked up (their modules register them with these codes).
ENROLLMENT = "employee-enrollment"
ENROLLMENT_BATCH = "employee-enrollment-batch"
INTERRUPTION = "employee-interruption"
INTERRUPTION_BATCH = "employee-interruption-batch"

SHOWN_NAMES = 5
LINES_PER_READ = 2_000


def _pending(unit: Unit, *type_codes: str) -> dict[str, list[tuple[int, str]]]:
    """The unit's applications of these types waiting for review: type → [(id, 办件编号)]; one
    query (usually empty, and then nothing more is asked)."""
    found: dict[str, list[tuple[int, str]]] = {code: [] for code in type_codes}
    rows = Application.objects.filter(unit=unit, type_code__in=type_codes, status=Status.SUBMITTED)
    for pk, code, number in rows.values_list("pk", "type_code", "number"):
        found[code].append((pk, number))
    return found


def _lines(applications: list[tuple[int, str]]) -> Iterator[tuple[dict[str, Any], int]]:
    """The persons' lines of pending batch applications, as stored, streamed. Compared here rather
    than by JSON key look-ups, which read ID numbers back as numbers on SQLite."""
    lines = LineItem.objects.filter(application_id__in=[pk for pk, _ in applications], error="")
    return lines.values_list("data", "application_id").iterator(chunk_size=LINES_PER_READ)


def pending_enrollments(unit: Unit, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(证件类型, 证件号码) → the 办件编号 of the unit's pending 参保登记 (single or batch) holding
    that person: one query, and with pending batches one read of their lines."""
    pending = _pending(unit, ENROLLMENT, ENROLLMENT_BATCH)
    if not any(pending.values()):
        return {}
    wanted = {(str(kind), str(number).strip().upper()) for kind, number in keys if number}
    found: dict[tuple[str, str], str] = {}
    if pending[ENROLLMENT]:
        singles = Application.objects.filter(pk__in=[pk for pk, _ in pending[ENROLLMENT]])
        for payload, number in singles.values_list("payload", "number"):
            key = (str(payload.get("cert_type", "")), str(payload.get("cert_no", "")).strip().upper())
            if key in wanted:
                found.setdefault(key, number)
    if pending[ENROLLMENT_BATCH]:
        numbers = dict(pending[ENROLLMENT_BATCH])
        for data, application_id in _lines(pending[ENROLLMENT_BATCH]):
            key = (str(data.get("cert_type", "")), str(data.get("cert_no", "")))
            if key in wanted:
                found.setdefault(key, numbers[application_id])
    return found


def pending_interruptions(unit: Unit, person_ids: Iterable[int]) -> dict[int, str]:
    """Person id → the 办件编号 of the unit's pending 中断参保 (少量中断 or 批量文件中断) holding
    that person: one query, and with pending batches one read of their lines."""
    from yibao.enrollment.interruption import person_ids_parse

    pending = _pending(unit, INTERRUPTION, INTERRUPTION_BATCH)
    chosen = set(person_ids)
    if not chosen or not any(pending.values()):
        return {}
    found: dict[int, str] = {}
    if pending[INTERRUPTION]:
        singles = Application.objects.filter(pk__in=[pk for pk, _ in pending[INTERRUPTION]])
        for payload, number in singles.values_list("payload", "number"):
            try:
                ids = person_ids_parse(str(payload.get("interrupted_persons", "")))
            except ValueError:
                continue
            for person_id in chosen.intersection(ids):
                found.setdefault(person_id, number)
    if pending[INTERRUPTION_BATCH]:
        numbers = dict(pending[INTERRUPTION_BATCH])
        for data, application_id in _lines(pending[INTERRUPTION_BATCH]):
            held = data.get("person_id")
            if isinstance(held, int) and held in chosen:
                found.setdefault(held, numbers[application_id])
    return found


def pending_enrollment_problem(number: str) -> str:
    return f"该人员已在待审核的职工参保登记中（办件编号 {number}），审核完成前不能重复登记"


def pending_interruption_problem(number: str) -> str:
    return f"该人员已在待审核的职工中断参保中（办件编号 {number}），审核完成前不能重复中断"


def pending_batch_refusal(names: list[str], business: str) -> str:
    """At a batch's submission: how many of its persons (and who) another pending application
    holds, and what the operator does about it."""
    shown = "、".join(names[:SHOWN_NAMES]) + ("等" if len(names) > SHOWN_NAMES else "")
    return (
        f"本批次中有{len(names)}人已在其他待审核的{business}中（{shown}），审核完成前不能重复申报。"
        "请重新批量导入，在校验失败列表中核对这些人员，从文件中删除后再导入提交"
    )
