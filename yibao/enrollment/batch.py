"""批量参保登记: validating a file's rows in sets, and applying them to the records at once.

`batch_validate` applies the rules of the single form (`rules.row_problems`), the conflicts
between rows of the file (`rules.duplicate_rows`) and the records (`rules.records_for`, one query
per batch of ID numbers) to every row. `batch_apply` writes the persons, their insurances and the
增员 changes in one transaction, set-based: ``COPY`` on PostgreSQL, one prepared ``executemany``
on SQLite (`yibao.core.bulk`). The active insurances are checked again when applying; the
partial unique index ``enrollment_insurance_one_active`` is the last guard.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from yibao.core.bulk import BulkWriter, bulk_write
from yibao.core.errors import ApplicationError
from yibao.core.masking import mask_id_number
from yibao.core.spreadsheets.cells import Problem, problems_text
from yibao.core.spreadsheets.reader import gc_paused
from yibao.enrollment.models import Insurance, Person, PersonnelChange
from yibao.enrollment.pending import pending_enrollment_problem, pending_enrollments
from yibao.enrollment.policies import limits_for
from yibao.enrollment.rules import (
    BATCH,
    EnrollmentRow,
    duplicate_rows,
    id_facts,
    record_problems,
    records_for,
    row_problems,
)
from yibao.enrollment.scope import OUTSIDE_POPULATION, PersonScope
from yibao.enrollment.sheets import EnrollmentSheetRow as SheetRow
from yibao.enrollment.standing import pauses_due_apply

if TYPE_CHECKING:
    from yibao.cases.models import Application
    from yibao.units.models import Unit

SHOWN_CONFLICTS = 5


class BatchErrorCode(StrEnum):
    CONFLICT = "enrollment.batch_conflict"
    EMPTY = "enrollment.batch_empty"


@dataclass
class BatchResult:
    """校验成功列表 and 校验失败列表; every failed row carries its problems."""

    passed: list[SheetRow] = field(default_factory=list)
    failed: list[SheetRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """The application can go on only when every row passes (the manual's rule)."""
        return bool(self.passed) and not self.failed


def batch_validate(
    *, unit: Unit, rows: Sequence[SheetRow], today: datetime.date, scope: PersonScope | None = None
) -> BatchResult:
    """Check every row; the problems are added to each row's own (parsing) problems, at most one
    source per column, so a row says first what the file got wrong."""
    with gc_paused():
        return _validate(unit=unit, rows=rows, today=today, scope=scope or PersonScope(unit=unit))


def _validate(
    *, unit: Unit, rows: Sequence[SheetRow], today: datetime.date, scope: PersonScope
) -> BatchResult:
    limits = limits_for(unit.division_id, today)
    for sheet_row in rows:
        said = {p.column for p in sheet_row.problems}
        sheet_row.problems.extend(p for p in row_problems(sheet_row.data, limits) if p.column not in said)
        if "人员类别" not in said and not scope.covers(sheet_row.data.psn_type):
            sheet_row.problems.append(Problem("人员类别", OUTSIDE_POPULATION))

    # Positioned by spreadsheet row, so that the messages name the rows of the file.
    last = max((r.row for r in rows), default=1)
    keys: list[tuple[str, str] | None] = [None] * max(last - 1, 0)
    for sheet_row in rows:
        if sheet_row.data.cert_no and sheet_row.data.cert_type:
            keys[sheet_row.row - 2] = (sheet_row.data.cert_type, sheet_row.data.cert_no)
    by_row = {r.row: r for r in rows}
    for index, problem in duplicate_rows(keys).items():
        by_row[index + 2].problems.append(problem)

    checkable = [r for r in rows if not any(p.column == "证件号码" for p in r.problems)]
    known = records_for((r.data.cert_type, r.data.cert_no) for r in checkable)
    for sheet_row in checkable:
        sheet_row.problems.extend(record_problems(sheet_row.data, known, unit_id=unit.pk))
    pending = pending_enrollments(unit, ((r.data.cert_type, r.data.cert_no) for r in checkable))
    for sheet_row in checkable:
        number = pending.get((sheet_row.data.cert_type, sheet_row.data.cert_no))
        if number is not None:
            sheet_row.problems.append(Problem("证件号码", pending_enrollment_problem(number)))

    result = BatchResult()
    for sheet_row in rows:
        (result.failed if sheet_row.problems else result.passed).append(sheet_row)
    return result


# --- apply ---------------------------------------------------------------------------------------


PERSON_FIELDS = (
    "id", "created_at", "updated_at", "psn_no", "cert_type", "cert_no", "name", "gender", "birth_date",
    "nation", "nationality", "mobile", "address", "first_work_date", "survival",
)  # fmt: skip
INSURANCE_FIELDS = (
    "created_at", "updated_at", "person", "unit", "insutype", "status", "psn_type", "emp_form",
    "start_date", "first_insured_ym", "base",
)  # fmt: skip
CHANGE_FIELDS = (
    "unit",
    "person",
    "kind",
    "insutypes",
    "effective_date",
    "application",
    "detail",
    "created_at",
)


def psn_no_for(division_code: str, person_id: int) -> str:
    """人员编号 of a person the batch creates: the unit's region and the record's id (unique because
    the id is; 18 characters, where the demo's numbers start with 99 and have 18 too but no
    province code starts with 99)."""
    return f"{division_code[:6]}{person_id:012d}"


def _reserve_ids(writer: BulkWriter, table: str, count: int) -> list[int]:
    """Ids for `count` new rows, taken before writing them (psn_no is made from the id)."""
    if count == 0:
        return []
    if writer.vendor == "postgresql":
        rows = writer.rows(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
        )
        return sorted(int(r[0]) for r in rows)
    # SQLite: the write lock is taken first (an empty UPDATE), so no other writer takes these ids;
    # AUTOINCREMENT moves its counter past explicit ids by itself.
    writer.execute(f'UPDATE "{table}" SET id = id WHERE 0')  # noqa: S608
    first = writer.next_id(table)
    return list(range(first, first + count))


def _first_insured(person_ids: Iterable[int]) -> dict[tuple[int, str], int]:
    """首次参保年月 already on record for known persons, per 险种 (in sets)."""
    ids = sorted(set(person_ids))
    found: dict[tuple[int, str], int] = {}
    for start in range(0, len(ids), BATCH):
        rows = (
            Insurance.objects.filter(person_id__in=ids[start : start + BATCH])
            .values("person_id", "insutype")
            .annotate(first=models.Min("first_insured_ym"))
            .values_list("person_id", "insutype", "first")
        )
        for person_id, insutype, first in rows:
            found[(person_id, insutype)] = int(first)
    return found


def _conflict_message(conflicts: list[tuple[EnrollmentRow, str]]) -> str:
    """The reviewer's refusal at approval: how many persons (not person × 险种) cannot be enrolled
    now, the first few with why, and what to do (the unit re-imports; the reviewer cannot)."""
    by_person: dict[tuple[str, str], tuple[EnrollmentRow, list[str]]] = {}
    for row, text in conflicts:
        by_person.setdefault((row.cert_type, row.cert_no), (row, []))[1].append(text)
    shown = "；".join(
        f"{row.name}（{mask_id_number(row.cert_no)}）{'，'.join(dict.fromkeys(texts))}"
        for row, texts in list(by_person.values())[:SHOWN_CONFLICTS]
    )
    more = "等" if len(by_person) > SHOWN_CONFLICTS else ""
    return (
        f"本批次中有{len(by_person)}人现在不能参保登记，未做任何修改。请退回补正，由单位重新导入校验后再提交："
        f"{shown}{more}"
    )


def batch_apply(
    *,
    unit: Unit,
    rows: Sequence[EnrollmentRow],
    application: Application | None = None,
    effective_date: datetime.date,
) -> int:
    """Enroll the rows (validated before) with `unit`: new persons, one insurance per 险种 and a
    增员 change per person, in one transaction. Returns the number of persons enrolled. Refuses
    the whole batch (nothing written) when a person was enrolled elsewhere since validation."""
    if not rows:
        raise ApplicationError(BatchErrorCode.EMPTY, "没有可登记的人员")
    keys = [(row.cert_type, row.cert_no) for row in rows]
    for row in rows:
        if row.gender == "" or row.birth_date is None:  # rows built without `row_problems`
            facts = id_facts(row.cert_type, row.cert_no)
            if facts is not None:
                row.gender = row.gender or facts[0]
                row.birth_date = row.birth_date or facts[1]
    if len(set(keys)) != len(keys):
        raise ApplicationError(BatchErrorCode.CONFLICT, "同一证件号码在本批次中出现多次，请重新导入校验")
    writer = BulkWriter.for_connection(connection)
    try:
        with transaction.atomic():
            known = records_for(keys)
            conflicts = [
                (row, problems_text([problem]))
                for row in rows
                for problem in record_problems(row, known, unit_id=unit.pk)
            ]
            if conflicts:
                raise ApplicationError(BatchErrorCode.CONFLICT, _conflict_message(conflicts))
            # a pause elsewhere whose date has come is stored before the new relations are
            pauses_due_apply(today=timezone.localdate(), person_ids=[p.pk for p in known.persons.values()])
            _apply(
                writer, unit=unit, rows=rows, known=known.persons, application=application, day=effective_date
            )
    except IntegrityError as error:
        raise _guard_refusal(error) from error
    except connection.Database.IntegrityError as error:  # type: ignore[attr-defined]  # from COPY / executemany
        raise _guard_refusal(error) from error
    return len(rows)


# What the unique indexes say when another worker was faster (PostgreSQL names the constraint,
# SQLite the columns); any other integrity error is a bug and goes up as it is.
RACE_MARKERS = (
    "enrollment_insurance_one_active",
    "enrollment_insurance.person_id, enrollment_insurance.insutype",
    "enrollment_person_unique_cert",
    "enrollment_person.cert_no, enrollment_person.cert_type",
)


def _guard_refusal(error: Exception) -> Exception:
    if not any(marker in str(error) for marker in RACE_MARKERS):
        return error
    return ApplicationError(
        BatchErrorCode.CONFLICT,
        "登记时发现本批次中有人员已在其他单位正常参保或已被登记（可能刚由其他业务办理），"
        "本批次未做任何修改。请退回补正，由单位重新导入校验后再提交",
    )


def _apply(
    writer: BulkWriter,
    *,
    unit: Unit,
    rows: Sequence[EnrollmentRow],
    known: dict[tuple[str, str], Person],
    application: Application | None,
    day: datetime.date,
) -> None:
    now = timezone.now()
    new = [row for row in rows if (row.cert_type, row.cert_no) not in known]
    ids = _reserve_ids(writer, Person._meta.db_table, len(new))
    person_ids = {(p.cert_type, p.cert_no): p.pk for p in known.values()}
    person_ids.update({(row.cert_type, row.cert_no): pk for row, pk in zip(new, ids, strict=True)})
    division = str(unit.division_id)

    def person(row: EnrollmentRow, pk: int) -> tuple[Any, ...]:
        return (
            pk, now, now, psn_no_for(division, pk), row.cert_type, row.cert_no, row.name, row.gender,
            row.birth_date, row.nation, row.nationality or "CHN", row.mobile, row.address,
            row.first_work_date, "1",
        )  # fmt: skip

    bulk_write(writer, Person, PERSON_FIELDS, (person(row, pk) for row, pk in zip(new, ids, strict=True)))
    # PostgreSQL: the ids came from the sequence (nextval), which is past them already.

    earlier = _first_insured(p.pk for p in known.values())

    def insurances() -> Iterable[tuple[Any, ...]]:
        for row in rows:
            assert row.start_date is not None  # validated  # noqa: S101
            person_id = person_ids[(row.cert_type, row.cert_no)]
            start_ym = row.start_date.year * 100 + row.start_date.month
            for insutype in row.insutypes:
                first = min(earlier.get((person_id, insutype), start_ym), start_ym)
                yield (
                    now, now, person_id, unit.pk, insutype, Insurance.Status.ACTIVE.value, row.psn_type,
                    row.emp_form, row.start_date, first, row.base,
                )  # fmt: skip

    bulk_write(writer, Insurance, INSURANCE_FIELDS, insurances())
    application_id = application.pk if application is not None else None

    def change(row: EnrollmentRow) -> tuple[Any, ...]:
        detail = {
            "source": "batch",
            "base": f"{row.base}",
            "psn_type": row.psn_type,
            "start_date": row.start_date.isoformat() if row.start_date else "",
        }
        person_id = person_ids[(row.cert_type, row.cert_no)]
        kind = PersonnelChange.Kind.ADD.value
        return (unit.pk, person_id, kind, ",".join(row.insutypes), day, application_id, detail, now)

    bulk_write(writer, PersonnelChange, CHANGE_FIELDS, (change(row) for row in rows))
