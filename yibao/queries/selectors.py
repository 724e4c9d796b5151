"""Reads of the 查询服务 pages (Henan manual 004): the unit's own information, one person found
by 证件类型 + 证件号码, and 单位人员变动.

Every person read is scoped to the unit and narrowed to the operator's current 管理人群
(`psn_types`: the 人员类别 codes, None = the whole unit), so persons of other units or of other
populations are never found. The roster (职工花名册) has its own module, `roster.py`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Exists, Min, OuterRef, QuerySet
from django.utils import timezone

from yibao.cases.selectors import display_value
from yibao.core.masking import MASKED, IdentityDisplay, mask_id_number, mask_phone
from yibao.core.reference import code_label
from yibao.core.selectors import division_full_name
from yibao.enrollment.models import Insurance, Person, PersonnelChange
from yibao.enrollment.standing import in_force, paused_by, status_label_on, status_on
from yibao.units.models import Unit

PsnTypes = tuple[str, ...] | None

# emp_insu_stas 单位参保状态 of a 险种, derived from the persons' relations.
UNIT_ACTIVE, UNIT_PAUSED, UNIT_TERMINATED = "2", "3", "4"


def in_population(insurances: QuerySet[Insurance], psn_types: PsnTypes) -> QuerySet[Insurance]:
    """Insurance relations of the operator's 管理人群 only (all of them when None)."""
    return insurances if psn_types is None else insurances.filter(psn_type__in=psn_types)


def _date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


# --- 单位基本信息查询 ------------------------------------------------------------------------


def unit_basic_rows(unit: Unit) -> list[tuple[str, str]]:
    """The unit's registered information as (label, value), the legal representative's ID and
    mobile masked."""
    return [
        ("单位编号", unit.emp_no),
        ("单位名称", unit.name),
        ("统一社会信用代码", unit.uscc),
        ("机构类型", code_label("emp_type", unit.emp_type)),
        ("单位管理类型", code_label("emp_mgt_type", unit.emp_mgt_type)),
        ("征收方式", code_label("clct_way", unit.collection_way)),
        ("医保区划", division_full_name(unit.division_id)),
        ("单位注册地址", unit.address),
        ("邮政编码", unit.postcode),
        ("法定代表人姓名", unit.legal_rep_name),
        ("法定代表人证件类型", code_label("psn_cert_type", unit.legal_rep_cert_type)),
        ("法定代表人证件号码", mask_id_number(unit.legal_rep_cert_no)),
        ("法定代表人移动电话", mask_phone(unit.legal_rep_mobile)),
        ("联系人", unit.contact_name),
        ("联系电话", mask_phone(unit.contact_phone)),
        ("单位通讯地址", unit.contact_address),
        ("资质认证状态", unit.get_qualification_display()),
    ]


# --- 单位参保信息查询 ------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitInsuranceRow:
    """One 险种 of the unit: 参保状态, 参保日期 (earliest start), 征收方式, 参保人数 (active)."""

    insutype: str
    insutype_label: str
    status: str
    status_label: str
    start_date: datetime.date
    collection_way: str
    active_persons: int


def unit_insurance_status(*, active: int, paused: int) -> str:
    """参保缴费 while anyone is actively insured, 暂停缴费 while only paused relations remain,
    else 终止参保 (emp_insu_stas)."""
    if active:
        return UNIT_ACTIVE
    if paused:
        return UNIT_PAUSED
    return UNIT_TERMINATED


def unit_insurance_rows(unit: Unit, *, today: datetime.date | None = None) -> list[UnitInsuranceRow]:
    """Per 险种 of the unit as of `today` (a pause counts from its date), in one grouped query
    over its insurance relations. A person has at most one active relation per 险种, so counting
    active rows counts persons."""
    day = today or timezone.localdate()
    grouped = (
        Insurance.objects.filter(unit=unit)
        .values("insutype")
        .annotate(
            start=Min("start_date"),
            active=Count("pk", filter=in_force(day)),
            paused=Count("pk", filter=paused_by(day)),
        )
        .order_by("insutype")
    )
    rows = []
    for group in grouped:
        status = unit_insurance_status(active=group["active"], paused=group["paused"])
        rows.append(
            UnitInsuranceRow(
                insutype=group["insutype"],
                insutype_label=code_label("insutype", group["insutype"]),
                status=status,
                status_label=code_label("emp_insu_stas", status),
                start_date=group["start"],
                collection_way=code_label("clct_way", unit.collection_way),
                active_persons=group["active"],
            )
        )
    return rows


# --- 个人基本信息查询 / 个人参保信息查询 -----------------------------------------------------------


def person_lookup(*, unit: Unit, psn_types: PsnTypes, cert_type: str, cert_no: str) -> Person | None:
    """The person with this 证件 who has an insurance relation (any status) with the unit in the
    operator's 管理人群; None for anybody else, whether they exist or not."""
    number = cert_no.strip().upper()
    if not number:
        return None
    insured = in_population(Insurance.objects.filter(unit=unit, person=OuterRef("pk")), psn_types)
    return Person.objects.filter(cert_type=cert_type, cert_no=number).filter(Exists(insured)).first()


def persons_with_cert_no(cert_no: str) -> QuerySet[Person]:
    """The persons registered with this 证件号码 (any 证件类型), as typed into a query."""
    return Person.objects.filter(cert_no=cert_no.strip().upper())


def person_basic_rows(person: Person, identity: IdentityDisplay = MASKED) -> list[tuple[str, str]]:
    """人员基本信息 as (label, value); ID and mobile as the operator may see them."""
    return [
        ("人员编号", person.psn_no),
        ("姓名", person.name),
        ("性别", code_label("gend", person.gender)),
        ("出生日期", _date(person.birth_date)),
        ("证件类型", code_label("psn_cert_type", person.cert_type)),
        ("证件号码", identity.id_number(person.cert_no)),
        ("民族", code_label("naty", person.nation)),
        ("国籍", person.nationality),
        ("手机号码", identity.phone(person.mobile)),
        ("联系地址", person.address),
        ("首次参加工作日期", _date(person.first_work_date)),
        ("生存状态", code_label("surv_stas", person.survival)),
    ]


@dataclass(frozen=True)
class PersonInsuranceRow:
    """One 险种 of a person with the unit (PSN_INSU_D)."""

    insutype_label: str
    status: str
    status_label: str
    start_date: str
    pause_date: str
    first_insured_ym: int
    base: str
    psn_type_label: str
    emp_form_label: str


def person_insurance_rows(*, unit: Unit, psn_types: PsnTypes, person: Person) -> list[PersonInsuranceRow]:
    """The person's insurance relations with this unit (in the 管理人群), by 险种 then newest; the
    参保状态 as of today (a pause approved for a later date shows with its date, still 正常参保)."""
    today = timezone.localdate()
    insurances = in_population(Insurance.objects.filter(unit=unit, person=person), psn_types).order_by(
        "insutype", "-start_date", "-pk"
    )
    return [
        PersonInsuranceRow(
            insutype_label=code_label("insutype", i.insutype),
            status=status_on(i.status, i.pause_date, today),
            status_label=status_label_on(i, today),
            start_date=_date(i.start_date),
            pause_date=_date(i.pause_date),
            first_insured_ym=i.first_insured_ym,
            base=f"{i.base:.2f}",
            psn_type_label=code_label("psn_type", i.psn_type),
            emp_form_label=code_label("emp_fom", i.emp_form),
        )
        for i in insurances
    ]


# --- 单位人员变动查询 ------------------------------------------------------------------------


def personnel_changes(
    *,
    unit: Unit,
    psn_types: PsnTypes,
    kind: str = "",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> QuerySet[PersonnelChange]:
    """The unit's 增员/减员/变更 of persons in the 管理人群, newest 变动日期 first."""
    changes = PersonnelChange.objects.filter(unit=unit)
    if psn_types is not None:
        changes = changes.filter(
            Exists(Insurance.objects.filter(unit=unit, person=OuterRef("person_id"), psn_type__in=psn_types))
        )
    if kind:
        changes = changes.filter(kind=kind)
    if start:
        changes = changes.filter(effective_date__gte=start)
    if end:
        changes = changes.filter(effective_date__lte=end)
    return changes.select_related("person", "application").order_by("-effective_date", "-pk")


def _field_label(name: str) -> str:
    for model in (Person, Insurance):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        return str(getattr(field, "verbose_name", name))
    return name


def change_detail_text(change: PersonnelChange) -> str:
    """变动内容 in words: the 中断原因 of a 减员, the 人员类别 and 缴费基数 of a 增员, each changed
    field of a 变更 (before → after, ID and phone numbers masked)."""
    detail: dict[str, Any] = change.detail or {}
    if change.kind == PersonnelChange.Kind.REMOVE:
        reason = detail.get("reason_label") or detail.get("reason") or ""
        return f"中断原因：{reason}" if reason else ""
    if change.kind == PersonnelChange.Kind.ADD:
        parts = []
        if detail.get("psn_type"):
            parts.append(f"人员类别：{code_label('psn_type', detail['psn_type'])}")
        if detail.get("base"):
            parts.append(f"缴费基数：{detail['base']}")
        if detail.get("start_date"):
            parts.append(f"参保日期：{detail['start_date']}")
        return "；".join(parts)
    before: dict[str, Any] = detail.get("before") or {}
    after: dict[str, Any] = detail.get("after") or {}
    return "；".join(
        f"{_field_label(name)}：{display_value(name, before.get(name, '')) or '空'} → "
        f"{display_value(name, value) or '空'}"
        for name, value in after.items()
    )


def insutypes_text(codes: str) -> str:
    """A comma-joined list of 险种 codes as labels."""
    return "、".join(code_label("insutype", code) for code in codes.split(",") if code)
