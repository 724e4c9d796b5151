"""Reads of applications for the operator's side: 办件记录查询, the detail page, the printed form,
and the 我的待办件 of the operator home."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from yibao.accounts.models import User
from yibao.cases.access import RECORDS_ITEM
from yibao.cases.models import Application, Event, Material, Status
from yibao.cases.types import ApplicationType, application_type, application_types, type_name
from yibao.core.masking import mask_id_number, mask_phone
from yibao.core.reference import code_label
from yibao.core.selectors import division_full_name
from yibao.operators.grants import items_in_force
from yibao.units.models import Unit

# 待审核业务 / 已审核业务 (Yunnan 001 §1.4): the tabs of 办件记录查询.
TAB_ALL, TAB_PENDING, TAB_REVIEWED = "all", "pending", "reviewed"
TABS = ((TAB_ALL, "全部"), (TAB_PENDING, "待审核业务"), (TAB_REVIEWED, "已审核业务"))
REVIEWED = (Status.APPROVED, Status.REJECTED, Status.RETURNED)


def _code(table: str) -> Callable[[str], str]:
    return lambda value: code_label(table, value)


# How a payload value reads on a page: code tables by field name (the unit's fields).
VALUE_LABELS: dict[str, Callable[[str], str]] = {
    "emp_type": _code("emp_type"),
    "legal_rep_cert_type": _code("psn_cert_type"),
    "cert_type": _code("psn_cert_type"),
    "division": division_full_name,
}


def _is_id_field(name: str) -> bool:
    return name.endswith("cert_no")


def _is_phone_field(name: str) -> bool:
    return name.endswith(("mobile", "phone"))


def display_value(name: str, value: Any, *, reveal: bool = False) -> str:
    """A payload value as shown: code values as their labels; ID and phone numbers masked unless
    `reveal` (the printed form shows the new values the unit itself entered)."""
    text = "" if value is None else str(value)
    if not text:
        return ""
    if name in VALUE_LABELS:
        return VALUE_LABELS[name](text) or text
    if not reveal and _is_id_field(name):
        return mask_id_number(text)
    if not reveal and _is_phone_field(name) and text.isdigit() and len(text) == 11:
        return mask_phone(text)
    return text


@dataclass(frozen=True)
class ChangeRow:
    """One 项目 / 变更前 / 变更后 line of an application."""

    name: str
    label: str
    before: str
    after: str
    changed: bool


def application_change_rows(application: Application, *, reveal_new: bool = False) -> list[ChangeRow]:
    """Every field of the application's type, before and after, the changed ones marked.

    Fields the operator could not edit keep their value on both sides. With `reveal_new`, the new
    ID and phone numbers (entered by the unit itself) are shown in full; old ones stay masked.
    """
    kind = application_type(application.type_code)
    before, payload = application.before or {}, application.payload or {}
    rows = []
    for spec in kind.fields:
        old = str(before.get(spec.name, "") or "")
        new = str(payload[spec.name] or "") if spec.name in payload else old
        changed = spec.name in payload and new != old
        rows.append(
            ChangeRow(
                name=spec.name,
                label=spec.label,
                before=display_value(spec.name, spec.shown(old)),
                after=display_value(spec.name, spec.shown(new), reveal=reveal_new and changed),
                changed=changed,
            )
        )
    return rows


# --- the operator's forms --------------------------------------------------------------------


def open_application(
    unit: Unit, kind: ApplicationType, *, subject: dict[str, str] | None = None
) -> Application | None:
    """The unit's application of this type still being prepared or corrected (draft or returned),
    if any; for a type with a subject, the one about that subject (e.g. `{"person": "12"}`)."""
    about = {f"payload__{name}": value for name, value in (subject or {}).items()}
    return (
        Application.objects.filter(
            unit=unit, type_code=kind.code, status__in=[Status.DRAFT, Status.RETURNED], **about
        )
        .order_by("-created_at")
        .first()
    )


def application_outcome(application: Application) -> str:
    """What the operator is told after submitting: in effect at once, or waiting for review."""
    name = type_name(application.type_code)
    if application.status == Status.APPROVED:
        return f"{name}提交成功，变更已生效"
    return f"{name}已提交，请等待医保经办机构审核"


# --- 办件记录查询 ---------------------------------------------------------------------------


def application_records(
    *,
    unit: Unit,
    tab: str = TAB_ALL,
    type_code: str = "",
    status: str = "",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet[Application]:
    """The unit's applications, newest first. The time range applies to the submission date, or
    to the creation date of drafts never submitted (dates are local, Asia/Shanghai)."""
    rows = Application.objects.filter(unit=unit)
    if tab == TAB_PENDING:
        rows = rows.filter(status=Status.SUBMITTED)
    elif tab == TAB_REVIEWED:
        rows = rows.filter(status__in=REVIEWED)
    if type_code:
        rows = rows.filter(type_code=type_code)
    if status:
        rows = rows.filter(status=status)
    if start is not None:
        rows = rows.filter(
            Q(submitted_at__date__gte=start) | Q(submitted_at__isnull=True, created_at__date__gte=start)
        )
    if end is not None:
        rows = rows.filter(
            Q(submitted_at__date__lte=end) | Q(submitted_at__isnull=True, created_at__date__lte=end)
        )
    return rows.order_by("-created_at", "-id")


def application_type_choices() -> list[tuple[str, str]]:
    return [(kind.code, kind.name) for kind in application_types()]


@dataclass(frozen=True)
class TimelineRow:
    """One step of 办理过程: 时间, 操作, 操作人, 说明."""

    at: datetime.datetime
    action: str
    label: str
    actor: str
    note: str


def _actor_name(event: Event) -> str:
    """An operator by name (its user name is its mobile number, never shown whole); staff by
    the label written at the time; the system as 系统."""
    actor = event.actor
    if actor is not None and actor.kind == User.Kind.OPERATOR:
        operator = getattr(actor, "operator", None)
        if operator is not None:
            return str(operator.name)
    label = event.actor_label or "系统"
    return mask_phone(label) if label.isdigit() and len(label) == 11 else label


def application_events(application: Application) -> list[TimelineRow]:
    events = application.events.select_related("actor", "actor__operator").order_by("at", "id")
    return [
        TimelineRow(
            at=event.at,
            action=event.action,
            label=event.get_action_display(),
            actor=_actor_name(event),
            note=event.note,
        )
        for event in events
    ]


@dataclass(frozen=True)
class MaterialRow:
    material: Material
    name: str


def application_materials(application: Application) -> list[MaterialRow]:
    kind = application_type(application.type_code)
    rows = []
    for material in application.materials.order_by("uploaded_at", "id"):
        spec = kind.material(material.code)
        rows.append(MaterialRow(material=material, name=spec.name if spec else material.code))
    return rows


def application_withdrawable(application: Application) -> bool:
    """For display: 撤回 is offered while submitted and not yet claimed (the service decides)."""
    return not withdraw_refusal(application)


def withdraw_refusal(application: Application) -> str:
    """Why 撤回 is not offered (the service's own wording), or "" when it is."""
    if application.status != Status.SUBMITTED:
        return f"办件当前状态为“{application.get_status_display()}”，不能撤回"
    if application.reviewer_id is not None:
        return "医保经办机构已开始审核该办件，不能撤回"
    return ""


# --- 我的待办件 ------------------------------------------------------------------------------


def delete_refusal(application: Application) -> str:
    """Why 删除 is not offered (the service's own wording), or "" when it is."""
    if application.status != Status.DRAFT:
        return f"办件当前状态为“{application.get_status_display()}”，只有未提交的草稿可以删除"
    return ""


TODO_LIMIT = 50


def operator_todos(*, unit: Unit, user: User) -> list[dict[str, Any]]:
    """What waits for the unit: applications returned for correction (退回补正) and drafts not yet
    submitted (未提交, including those withdrawn), of the types this operator may handle there
    (it holds the type's business item, or 办件记录查询 to look). Returned ones first, then the
    most recently touched."""
    codes = items_in_force(user=user, unit_id=unit.pk)
    if not codes:
        return []
    may_open = {kind.code for kind in application_types() if RECORDS_ITEM in codes or kind.item_code in codes}
    waiting = Application.objects.filter(
        unit=unit, status__in=[Status.RETURNED, Status.DRAFT], type_code__in=may_open
    ).only("pk", "type_code", "status", "number", "decided_at", "updated_at")
    returned = list(waiting.filter(status=Status.RETURNED).order_by("-decided_at", "-id")[:TODO_LIMIT])
    drafts = list(
        waiting.filter(status=Status.DRAFT).order_by("-updated_at", "-id")[: TODO_LIMIT - len(returned)]
    )
    return [
        {
            "title": f"{type_name(app.type_code)} 被退回补正",
            "url": reverse("cases:detail", args=[app.pk]),
            "date": app.decided_at,
            "number": app.number,
        }
        for app in returned
    ] + [
        {
            "title": f"{type_name(app.type_code)} 未提交",
            "url": reverse("cases:detail", args=[app.pk]),
            "date": app.updated_at,
            "number": app.number,
        }
        for app in drafts
    ]
