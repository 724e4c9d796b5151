"""职工中断参保 — 少量中断 (Henan manual 004, 经办服务): the rules, the draft, and applying an
approved application to the records.

Only persons actively insured with this unit can be interrupted; the 中断日期 lies in the
profile's window (`interruption_window`, this month by default) and not before the person's
参保日期. On approval every active insurance of the person in the unit is paused (暂停参保) with
that date and one 减员 PersonnelChange is written per person, in the review's transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import models
from django.utils import timezone

from yibao.accounts.models import User
from yibao.cases import services as case_services
from yibao.cases.models import Application
from yibao.cases.types import ApplicationType
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.enrollment.error_codes import EnrollmentErrorCode
from yibao.enrollment.models import Insurance, Person, PersonnelChange
from yibao.enrollment.pending import pending_interruptions
from yibao.enrollment.policies import interruption_window
from yibao.enrollment.rules import BATCH
from yibao.enrollment.scope import PersonScope
from yibao.enrollment.standing import pause_run_schedule
from yibao.units.models import Unit

MAX_PERSONS = 200  # 少量中断; more people go through 批量文件中断


class InterruptionReason(models.TextChoices):
    """中断原因: our own short list (no national code table was found for it)."""

    CONTRACT_ENDED = "01", "解除劳动合同"
    TRANSFERRED = "02", "调出"
    RETIRED = "03", "退休"
    DECEASED = "04", "死亡"
    OTHER = "05", "其他"


def reason_label(value: object) -> str:
    """中断原因 as it reads (an unknown code as itself)."""
    text = str(value or "")
    return InterruptionReason(text).label if text in InterruptionReason.values else text


def person_ids_parse(value: str) -> list[int]:
    """ "3,7,7" → [3, 7]: the persons of an interruption payload, unique, in order."""
    ids: list[int] = []
    for part in str(value).split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise ValueError(part)
        if int(part) not in ids:
            ids.append(int(part))
    return ids


def person_ids_text(ids: Iterable[int]) -> str:
    return ",".join(str(i) for i in ids)


def _refuse(code: EnrollmentErrorCode, message: str, field: str | None = None) -> ApplicationError:
    return ApplicationError(code, message, field=field)


def interruption_check(
    *,
    scope: PersonScope,
    person_ids: list[int],
    pause_date: datetime.date,
    today: datetime.date,
    check_window: bool = True,
    lock: bool = False,
) -> dict[int, list[Insurance]]:
    """The active insurances of the chosen persons in the unit, by person; ApplicationError
    naming the first rule broken."""
    if not person_ids:
        raise _refuse(EnrollmentErrorCode.NONE_CHOSEN, "请勾选需要中断的人员", field="persons")
    if len(person_ids) > MAX_PERSONS:
        raise _refuse(
            EnrollmentErrorCode.TOO_MANY,
            f"少量中断一次最多{MAX_PERSONS}人，更多人员请使用批量文件中断",
            field="persons",
        )
    if check_window:
        earliest, latest = interruption_window(today)
        if not earliest <= pause_date <= latest:
            raise _refuse(
                EnrollmentErrorCode.DATE_OUTSIDE_WINDOW,
                f"中断日期须在{earliest:%Y-%m-%d}至{latest:%Y-%m-%d}之间，更早的中断请到医保经办机构办理",
                field="pause_date",
            )
    rows = scope.insurances([Insurance.Status.ACTIVE]).filter(person_id__in=person_ids)
    if lock:
        rows = rows.select_for_update()
    held: dict[int, list[Insurance]] = {}
    for insurance in rows.select_related("person").order_by("person_id", "insutype"):
        held.setdefault(insurance.person_id, []).append(insurance)
    if any(person_id not in held for person_id in person_ids):
        raise _refuse(
            EnrollmentErrorCode.NOT_ACTIVE,
            "所选人员中有人不是本单位正常参保人员，请刷新页面后重新勾选",
            field="persons",
        )
    for insurances in held.values():
        due = min((i.pause_date for i in insurances if i.pause_date is not None), default=None)
        if due is not None:
            raise _refuse(
                EnrollmentErrorCode.PENDING,
                f"{insurances[0].person.name}已办理中断参保（中断日期 {due:%Y-%m-%d}），不能重复中断",
                field="persons",
            )
        start = max(i.start_date for i in insurances)
        if pause_date < start:
            raise _refuse(
                EnrollmentErrorCode.DATE_BEFORE_START,
                f"{insurances[0].person.name}的参保日期为{start:%Y-%m-%d}，中断日期不能早于参保日期",
                field="pause_date",
            )
    return held


def interruption_pending_check(unit: Unit, person_ids: list[int]) -> None:
    """Refuses persons already in another of the unit's 中断参保 waiting for review (at saving and
    at submitting)."""
    held = pending_interruptions(unit, person_ids)
    if held:
        names = dict(Person.objects.filter(pk__in=list(held)).values_list("pk", "name"))
        first = next(i for i in person_ids if i in held)
        more = f"等{len(held)}人" if len(held) > 1 else ""
        raise _refuse(
            EnrollmentErrorCode.PENDING,
            f"{names.get(first, '')}{more}已在待审核的职工中断参保中（办件编号 {held[first]}），"
            "审核完成前不能重复中断，请取消勾选",
            field="persons",
        )


def employee_interruption_draft_save(
    *,
    kind: ApplicationType,
    scope: PersonScope,
    actor: User,
    person_ids: list[int],
    reason: str,
    pause_date: datetime.date,
    application: Application | None = None,
    origin: RequestOrigin | None = None,
) -> Application:
    """Check the rules against the records, then save the draft (or update the open one)."""
    interruption_check(scope=scope, person_ids=person_ids, pause_date=pause_date, today=timezone.localdate())
    interruption_pending_check(scope.unit, person_ids)
    return case_services.application_draft_save(
        kind=kind,
        unit=scope.unit,
        actor=actor,
        payload={
            "interrupted_persons": person_ids_text(person_ids),
            "interruption_reason": reason,
            "pause_date": pause_date.isoformat(),
        },
        application=application,
        origin=origin,
    )


def pause_from(pks: list[int], *, pause_date: datetime.date, today: datetime.date) -> None:
    """Pause these relations on `pause_date`: at once when it has come, else by its date (the
    relations stay 正常参保 until then, see `standing`) with the job scheduled for that day."""
    for start in range(0, len(pks), BATCH):
        Insurance.objects.filter(pk__in=pks[start : start + BATCH]).update(
            pause_date=pause_date, updated_at=timezone.now(),
            **({"status": Insurance.Status.PAUSED} if pause_date <= today else {}),
        )  # fmt: skip
    if pause_date > today:
        pause_run_schedule(pause_date)


def interruption_apply(application: Application, values: dict[str, str]) -> None:
    """Pause the persons' insurances and write the 减员 rows (inside the approval transaction).

    The window was checked when the unit filed it; the records are checked again here: every
    person must still be actively insured with the unit, and the date not before the start."""
    person_ids = person_ids_parse(values["interrupted_persons"])
    pause_date = datetime.date.fromisoformat(values["pause_date"])
    held = interruption_check(
        scope=PersonScope(unit=application.unit),  # the reviewer's approval: the whole unit
        person_ids=person_ids,
        pause_date=pause_date,
        today=timezone.localdate(),
        check_window=False,
        lock=True,
    )
    pause_from(
        [i.pk for rows in held.values() for i in rows], pause_date=pause_date, today=timezone.localdate()
    )
    reason = values["interruption_reason"]
    PersonnelChange.objects.bulk_create(
        PersonnelChange(
            unit_id=application.unit_id,
            person_id=person_id,
            kind=PersonnelChange.Kind.REMOVE,
            insutypes=",".join(i.insutype for i in held[person_id]),
            effective_date=pause_date,
            application=application,
            detail={"reason": reason, "reason_label": InterruptionReason(reason).label},
        )
        for person_id in person_ids
    )
