"""Reads of applications for the operator's side: 办件记录查询, the detail page, the printed form,
and the 我的待办件 of the operator home."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from yibao.accounts.models import User
from yibao.cases.access import RECORDS_ITEM
from yibao.cases.models import Application, Event, LineItem, Material, Status
from yibao.cases.types import ApplicationType, FieldSpec, application_type, application_types, type_name
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


# How a value reads on a page or a printed form, by field name: the national code tables (the
# names follow the national field names, DESIGN §4) and the region's name.
VALUE_LABELS: dict[str, Callable[[str], str]] = {
    "emp_type": _code("emp_type"),
    "legal_rep_cert_type": _code("psn_cert_type"),
    "cert_type": _code("psn_cert_type"),
    "gender": _code("gend"),
    "nation": _code("naty"),
    "psn_type": _code("psn_type"),
    "emp_form": _code("emp_fom"),
    "insutypes": _code("insutype"),
    "insutype": _code("insutype"),
    "division": division_full_name,
}
NATIONALITIES = {"CHN": "中国"}  # no national code table is loaded; the rest print as their code


def _is_id_field(name: str) -> bool:
    return name.endswith("cert_no")


def _is_phone_field(name: str) -> bool:
    return name.endswith(("mobile", "phone"))


def display_value(name: str, value: Any, *, reveal: bool = False, spec: FieldSpec | None = None) -> str:
    """A payload value as shown: a record it names as the type says (`spec.shown`), code values
    as their labels (a list of codes item by item), ID and phone numbers masked unless `reveal`
    (the printed form shows the new values the unit itself entered)."""
    if value is None or value == "" or value == []:
        return ""
    if spec is not None and spec.shown is not None:
        return spec.shown(value)
    if isinstance(value, list | tuple):
        return "、".join(display_value(name, item, reveal=reveal) for item in value if item not in (None, ""))
    text = str(value)
    if name in VALUE_LABELS:
        return VALUE_LABELS[name](text) or text
    if name == "nationality":
        return NATIONALITIES.get(text.upper(), text)
    if not reveal and _is_id_field(name):
        return mask_id_number(text)
    # A 手机号码 field is masked whatever it holds (a mistyped number is a person's number too);
    # a 联系电话 only when it is a mobile number (landlines are the unit's switchboard).
    if not reveal and name.endswith("mobile"):
        return mask_phone(text)
    if not reveal and _is_phone_field(name) and text.isdigit() and len(text) == 11:
        return mask_phone(text)
    return text


def value_code(name: str, value: Any) -> str:
    """The code behind a value shown by its label («10» of 企业), "" for a value that is no code:
    the reviewer keys the national code into the core system."""
    if name not in VALUE_LABELS or name == "division" or value in (None, "", []):
        return ""
    return ",".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)


def _same(old: Any, new: Any) -> bool:
    return _text(old) == _text(new)


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    return "" if value is None else str(value)


@dataclass(frozen=True)
class ChangeRow:
    """One 项目 / 变更前 / 变更后 line of an application (a registration reads only `after`)."""

    name: str
    label: str
    before: str
    after: str
    changed: bool


def application_change_rows(application: Application, *, reveal_new: bool = False) -> list[ChangeRow]:
    """Every field of the application's type, before and after, the changed ones marked.

    Fields the operator could not edit keep their value on both sides. With `reveal_new`, the new
    ID and phone numbers (entered by the unit itself) are shown in full; old ones stay masked. A
    type that changes no record (`changes_record` False) has no 变更前: every value is new.
    """
    kind = application_type(application.type_code)
    before, payload = application.before or {}, application.payload or {}
    rows = []
    for spec in kind.fields:
        old = before.get(spec.name, "")
        new = payload.get(spec.name, old)
        changed = spec.name in payload and not _same(new, old)
        rows.append(
            ChangeRow(
                name=spec.name,
                label=spec.label,
                before=display_value(spec.name, old, spec=spec),
                after=display_value(spec.name, new, reveal=reveal_new and changed, spec=spec),
                changed=changed and kind.changes_record,
            )
        )
    return rows


# --- a batch application's person list ------------------------------------------------------

# A query of the list that is the end of an ID number (its last 4 digits, as a masked number shows
# them); a whole number never travels in a URL (DESIGN §4).
LINE_NUMBER_QUERY = re.compile(r"\d{3}[\dXx]")


def application_lines(application: Application, *, query: str = "") -> QuerySet[LineItem]:
    """The persons of a batch application (its line items that passed the checks), in the file's
    row order; `query` finds them by 姓名 (any part) or by the last digits of the 证件号码."""
    lines = LineItem.objects.filter(application=application, error="")
    query = query.strip()
    if query:
        by_number = LINE_NUMBER_QUERY.fullmatch(query)
        lines = (
            lines.filter(data__cert_no__iendswith=query)
            if by_number
            else lines.filter(data__name__icontains=query)
        )
    return lines.order_by("row")


class LineCells:
    """The person list's cells as text, one column per `line_columns` spec; code labels are
    looked up once per code for the whole list (100,000 lines read one table each time)."""

    def __init__(self, columns: tuple[FieldSpec, ...], *, reveal: bool) -> None:
        self.columns = columns
        self.reveal = reveal
        self._memo: dict[tuple[str, str], str] = {}

    def _cell(self, spec: FieldSpec, value: Any) -> str:
        if isinstance(value, list):
            value = tuple(value)
        if spec.name in VALUE_LABELS or spec.shown is not None:
            key = (spec.name, repr(value))
            shown = self._memo.get(key)
            if shown is None:
                shown = self._memo[key] = display_value(spec.name, value, reveal=self.reveal, spec=spec)
            return shown
        return display_value(spec.name, value, reveal=self.reveal, spec=spec)

    def row(self, data: dict[str, Any]) -> list[str]:
        return [self._cell(spec, data.get(spec.name, "")) for spec in self.columns]


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
