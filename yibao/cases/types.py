"""Application types: what each kind of 申报 declares, registered once by the app that owns it.

A type names its business item (the grant an operator needs), its payload fields (with labels, and
which of them may change), its materials, whether a printed and stamped form is required, whether
it approves itself, how to read the current record (for the side-by-side review) and the service
that applies an approved application to the records (called inside the approval transaction).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django import forms

if TYPE_CHECKING:
    from yibao.cases.models import Application
    from yibao.units.models import Unit


# The material that is the printed form itself, stamped and scanned (加盖单位公章后扫描上传): it
# must show the application's content as it is, so only a scan uploaded after the latest print of
# that content counts (see `services.stamped_form_current`).
STAMPED_FORM = "stamped-form"


@dataclass(frozen=True)
class MaterialSpec:
    """One line of the 附件上传 table (序号, 材料名称, 备注, 模板)."""

    code: str
    name: str
    required: bool = True
    note: str = ""
    # URL name (no arguments) of the page that makes this material's template for the operator's
    # current unit (e.g. a worksheet filled with the unit's record), offered as 模板 下载
    template: str = ""

    @property
    def is_stamped_form(self) -> bool:
        return self.code == STAMPED_FORM


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    editable: bool = True  # the manual's pencil icon: only these may change
    # How a value reads where the shared code tables (chosen by field name, `cases.selectors`) do
    # not say: a record the value names (a batch, persons) or a choice list of the type's own.
    shown: Callable[[Any], str] | None = None


@dataclass(frozen=True)
class ApplicationType:
    code: str
    name: str
    item_code: str
    fields: tuple[FieldSpec, ...]
    # current(unit) -> the record's values; for a type with a `subject`, current(unit, subject)
    current: Callable[..., dict[str, Any]]
    apply: Callable[[Application], None]
    form: type[forms.Form] | None = None  # checks the values of the editable fields
    form_page: str = ""  # URL name of the operator's page that fills the payload
    materials: tuple[MaterialSpec, ...] = ()
    printed_form: bool = False
    requires_change: bool = True  # a change type refuses a submission that changes nothing
    # business rules beyond the form's field checks: Chinese refusals, empty when acceptable
    check: Callable[[Unit, dict[str, Any]], list[str]] | None = None
    auto_approve: Callable[[], bool] = field(default=lambda: False)
    # Payload entries naming which record of the unit the application is about (e.g. a person's
    # id): kept from the payload as given, never edited, passed to `current`, which refuses a
    # record that is not the unit's (an ApplicationError).
    subject: tuple[str, ...] = ()
    # Payload entries that, beside `subject`, tell two applications of this type apart (e.g. the
    # 证件号码 of a person being enrolled): see `open_key`.
    distinct_by: tuple[str, ...] = ()
    # The statuses in which an application keeps another with the same `open_key` from being
    # started (a database constraint): by default from the first save until it is decided or
    # deleted. Batch types hold only while being prepared: a unit may submit one file and
    # prepare the next.
    open_statuses: frozenset[str] = frozenset({"draft", "returned", "submitted"})
    # The application changes a record: its form and pages show each field 变更前 / 变更后. False
    # for one that registers or lists (参保登记, 中断参保, a batch): one value per 项目.
    changes_record: bool = True
    # A batch application's person list (its line items' `data`), one column per spec: printed
    # after its form, page by page, and listed on the review page.
    line_columns: tuple[FieldSpec, ...] = ()
    # Called inside the transaction each time an application of this type changes status (after
    # `apply`, when approved): for a type whose records follow the application (a 备案 is
    # 申请中 while submitted, 不予备案 when rejected).
    status_changed: Callable[[Application], None] | None = None
    # The materials an application asks for given its payload (e.g. none of the proofs when the
    # unit accepted the 告知承诺书): by default `materials`.
    materials_of: Callable[[dict[str, Any]], tuple[MaterialSpec, ...]] | None = None
    # The workspace's button that submits (the manual's word: 保存 in Henan, 提交 in Yunnan 001).
    submit_label: str = "保存"

    def open_key(self, payload: dict[str, Any]) -> str:
        """What makes applications of this type the same matter: the type, and the subject's and
        `distinct_by` values."""
        parts = [
            self.code,
            *(
                f"{name}={str(payload.get(name, '')).strip().upper()}"
                for name in (*self.subject, *self.distinct_by)
            ),
        ]
        return "|".join(parts)[:200]

    @property
    def materials_required(self) -> bool:
        return any(m.required for m in self.materials)

    def materials_for(self, payload: dict[str, Any]) -> tuple[MaterialSpec, ...]:
        """The materials an application with this payload asks for."""
        return self.materials if self.materials_of is None else self.materials_of(payload)

    @property
    def editable_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.editable)

    def current_values(self, unit: Unit, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        """The record as it is now: the unit's, or the subject's within the unit."""
        if not self.subject:
            return self.current(unit)
        given = payload or {}
        return self.current(unit, {name: str(given.get(name, "")) for name in self.subject})

    def label_of(self, name: str) -> str:
        return next((f.label for f in self.fields if f.name == name), name)

    def material(self, code: str) -> MaterialSpec | None:
        return next((m for m in self.materials if m.code == code), None)

    @property
    def stamped_form(self) -> MaterialSpec | None:
        """The material that is the printed form, stamped (none for a type without one)."""
        return next((m for m in self.materials if m.is_stamped_form), None)

    @property
    def form_title(self) -> str:
        """The printed form's title: the name of its stamped material (what the unit uploads), else
        «…申请表»."""
        stamped = self.stamped_form
        return stamped.name if stamped else f"{self.name}申请表"


_REGISTRY: dict[str, ApplicationType] = {}


def application_type_register(kind: ApplicationType) -> ApplicationType:
    if kind.code in _REGISTRY and _REGISTRY[kind.code] is not kind:
        raise ValueError(f"application type {kind.code!r} registered twice")
    _REGISTRY[kind.code] = kind
    return kind


def application_type(code: str) -> ApplicationType:
    """The registered type; KeyError for an unknown code."""
    return _REGISTRY[code]


def application_types() -> list[ApplicationType]:
    return list(_REGISTRY.values())


def type_name(code: str) -> str:
    kind = _REGISTRY.get(code)
    return kind.name if kind else code


def form_values(form_class: type[forms.Form], payload: dict[str, Any], *, code: StrEnum) -> dict[str, Any]:
    """Check a payload with the type's form again (when applying: a rule may have changed since
    it was submitted) and return the cleaned values of the fields it holds; the first error,
    labelled, as an ApplicationError otherwise."""
    from yibao.core.errors import ApplicationError

    form = form_class(data=payload)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        label = form.fields[field].label if field in form.fields else ""
        raise ApplicationError(code, f"{label}：{errors[0]}" if label else str(errors[0]))
    return {k: v for k, v in form.cleaned_data.items() if k in payload}
