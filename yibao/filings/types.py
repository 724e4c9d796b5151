"""The 备案 as application types: for each of the four filings, the new filing, 变更备案 and
取消备案 (twelve types, three per business item, so the item's grant covers all three).

Every application about a person's filings holds one matter open (`FilingType.open_key`): while
one is being prepared or reviewed, no other 备案, 变更 or 取消 of that person starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms

from yibao.cases.models import Application
from yibao.cases.types import (
    ApplicationType,
    FieldSpec,
    MaterialSpec,
    application_type,
    application_type_register,
    form_values,
)
from yibao.core.errors import ApplicationError
from yibao.core.profiles import get_profile
from yibao.core.reference import code_label
from yibao.core.selectors import division_full_name
from yibao.filings import forms as filing_forms
from yibao.filings import services
from yibao.filings.error_codes import FilingErrorCode
from yibao.filings.kinds import KINDS, FilingKind
from yibao.filings.models import Filing
from yibao.filings.rules import filing_in_force, person_check
from yibao.filings.services import CANCEL, CHANGE, NEW
from yibao.units.models import Unit


def _network(value: str) -> str:
    return str(Filing.Network(value).label) if value in Filing.Network.values else value


def _commitment(value: str) -> str:
    return "已签署告知承诺书" if value == "1" else "未签署"


PERSON_FIELDS = (
    FieldSpec("person_name", "姓名", editable=False),
    FieldSpec("cert_no", "证件号码", editable=False),
)
VALUE_SPECS = {
    "insutype": FieldSpec("insutype", "险种", shown=lambda v: code_label("insutype", v)),
    "care_division": FieldSpec("care_division", "就医地", shown=division_full_name),
    "address": FieldSpec("address", "居外地址"),
    "phone": FieldSpec("phone", "联系电话"),
    "start_date": FieldSpec("start_date", "开始日期"),
    "end_date": FieldSpec("end_date", "结束日期"),
    "network": FieldSpec("network", "异地联网方式", shown=_network),
    "out_hospital": FieldSpec("out_hospital", "转出医院"),
    "in_hospital": FieldSpec("in_hospital", "转入医院"),
    "commitment": FieldSpec("commitment", "告知承诺", shown=_commitment),
    "agent_name": FieldSpec("agent_name", "代办人姓名"),
    "agent_cert_type": FieldSpec(
        "agent_cert_type", "代办人证件类型", shown=lambda v: code_label("psn_cert_type", v)
    ),
    "agent_cert_no": FieldSpec("agent_cert_no", "代办人证件号码"),
    "agent_phone": FieldSpec("agent_phone", "代办人联系电话"),
    "agent_relation": FieldSpec("agent_relation", "代办人与参保人关系"),
}


def _specs(form: type[forms.Form], editable: type[forms.Form] | None) -> tuple[FieldSpec, ...]:
    """The person, then the filing's fields (those of `form`), editable when `editable` has them."""
    names = [name for name in VALUE_SPECS if name in form.base_fields]
    held = set(editable.base_fields) if editable is not None else set()
    return (
        *PERSON_FIELDS,
        *(
            VALUE_SPECS[name]
            if name in held
            else FieldSpec(name, VALUE_SPECS[name].label, False, VALUE_SPECS[name].shown)
            for name in names
        ),
    )


@dataclass(frozen=True)
class FilingType(ApplicationType):
    spec: FilingKind | None = None
    action: str = NEW  # NEW, CHANGE or CANCEL
    page_form: type[forms.Form] | None = None  # the form of its page (the 就医地 in the region picker)

    def open_key(self, payload: dict[str, Any]) -> str:
        """One matter per person for all 备案 applications of the unit."""
        return f"filing|person={str(payload.get('person', '')).strip()}"


# --- the record each type is about ------------------------------------------------------------


def _person_values(unit: Unit, subject: dict[str, Any]) -> dict[str, Any]:
    from django.utils import timezone

    held = person_check(unit, subject.get("person"), today=timezone.localdate())
    person = held[0].person
    return {"person_name": person.name, "cert_no": person.cert_no}


def _filing_current(unit: Unit, subject: dict[str, Any]) -> dict[str, Any]:
    """The filing a change or cancellation is about, as it stands (and its person)."""
    values = _person_values(unit, subject)
    filing = filing_in_force(unit, subject.get("filing"), subject.get("person"))
    return {**values, **services.filing_values(filing)}


# --- the types --------------------------------------------------------------------------------


def _problems(check: Callable[[], object]) -> list[str]:
    try:
        check()
    except ApplicationError as refused:
        return [refused.message]
    return []


def _materials(spec: FilingKind) -> Callable[[dict[str, Any]], tuple[MaterialSpec, ...]]:
    def materials_of(payload: dict[str, Any]) -> tuple[MaterialSpec, ...]:
        committed = spec.long_term and payload.get("commitment") == "1" and get_profile().filing_commitment
        return () if committed else (spec.proof,)

    return materials_of


def _applying(
    form: type[forms.Form], write: Callable[[FilingKind, Application], None], spec: FilingKind
) -> Callable[[Application], None]:
    def apply(application: Application) -> None:
        form_values(form, application.payload, code=FilingErrorCode.INVALID_VALUE)
        write(spec, application)

    return apply


def _register(spec: FilingKind) -> tuple[FilingType, FilingType, FilingType]:
    long_term = spec.long_term
    form = filing_forms.LongTermForm if long_term else filing_forms.ReferralForm
    change_form = filing_forms.LongTermChangeForm if long_term else filing_forms.ReferralChangeForm
    new = FilingType(
        code=spec.item_code,
        name=spec.name,
        item_code=spec.item_code,
        form_page=f"filings:{spec.slug}",
        fields=_specs(form, form),
        current=_person_values,
        apply=_applying(form, services.new_filing_apply, spec),
        form=form,
        page_form=filing_forms.LongTermPageForm if long_term else filing_forms.ReferralPageForm,
        materials=(spec.proof,),
        materials_of=_materials(spec),
        requires_change=False,
        check=lambda unit, payload: _problems(lambda: services.new_filing_check(spec, unit, payload)),
        subject=("person",),
        status_changed=lambda application: services.new_filing_status_follow(spec, application),
        spec=spec,
        action=NEW,
    )
    change = FilingType(
        code=f"{spec.item_code}-change",
        name=f"{spec.name}变更",
        item_code=spec.item_code,
        form_page=f"filings:{spec.slug}",
        fields=_specs(form, change_form),
        current=_filing_current,
        apply=_applying(change_form, services.change_apply, spec),
        form=change_form,
        page_form=filing_forms.LongTermChangePageForm if long_term else filing_forms.ReferralChangePageForm,
        materials=(
            MaterialSpec(
                spec.proof.code, spec.proof.name, required=False, note="变更就医地的，请上传新的证明材料"
            ),
        ),
        check=lambda unit, payload: _problems(lambda: services.change_check(spec, unit, payload)),
        subject=("person", "filing"),
        spec=spec,
        action=CHANGE,
    )
    cancel = FilingType(
        code=f"{spec.item_code}-cancel",
        name=f"{spec.name}取消",
        item_code=spec.item_code,
        form_page=f"filings:{spec.slug}",
        fields=(*_specs(form, None), FieldSpec("cancel_reason", "取消原因")),
        current=_filing_current,
        apply=_applying(filing_forms.CancelForm, services.cancel_apply, spec),
        form=filing_forms.CancelForm,
        page_form=filing_forms.CancelForm,
        requires_change=False,
        check=lambda unit, payload: _problems(lambda: services.cancel_check(spec, unit, payload)),
        subject=("person", "filing"),
        spec=spec,
        action=CANCEL,
    )
    for kind in (new, change, cancel):
        application_type_register(kind)
    return new, change, cancel


TYPES: dict[str, tuple[FilingType, FilingType, FilingType]] = {
    code: _register(spec) for code, spec in KINDS.items()
}


def filing_type(kind: str, action: str) -> FilingType:
    """The application type of one action on one filing kind."""
    new, change, cancel = TYPES[kind]
    return {NEW: new, CHANGE: change, CANCEL: cancel}[action]


def is_filing_type(code: str) -> bool:
    return isinstance(application_type(code), FilingType)
