"""Reads for 参保证明 and 备案凭证: the person a certificate may be printed for, what the
certificate or receipt says, the issuing agency, and a unit's issued documents.

Everything is scoped to the operator's unit: a person is found only through an insurance in that
unit (and in the operator's 管理人群), and the figures count only that unit's records.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Max, Min, Q
from django.http import Http404
from django.utils import timezone

from yibao.catalog.models import Agency
from yibao.certificates.models import Certificate
from yibao.contributions.models import Contribution, UnitContributionMonth
from yibao.core.masking import mask_id_number
from yibao.core.reference import code_label
from yibao.core.selectors import division_full_name, division_path
from yibao.enrollment.models import Insurance, Person
from yibao.enrollment.standing import status_label_on
from yibao.filings.models import Filing
from yibao.queries.selectors import unit_insurance_rows
from yibao.units.models import Unit


def _population_filter(psn_types: tuple[str, ...] | None) -> Q:
    return Q() if psn_types is None else Q(insurances__psn_type__in=psn_types)


def person_for_certificate(
    *, unit: Unit, cert_type: str, cert_no: str, psn_types: tuple[str, ...] | None
) -> Person | None:
    """The person with this 证件类型 and 证件号码 and an insurance (any status) in the unit and,
    when the operator works in a 管理人群, of one of its 人员类别."""
    number = cert_no.strip().upper()
    if not number:
        return None
    return (
        Person.objects.filter(
            Q(cert_type=cert_type, cert_no=number, insurances__unit=unit) & _population_filter(psn_types)
        )
        .distinct()
        .first()
    )


def access_person_for_certificate(*, unit: Unit, person_id: int, psn_types: tuple[str, ...] | None) -> Person:
    """A person named in a URL, under the same rule; 404 for missing and not this unit's alike."""
    person = (
        Person.objects.filter(Q(pk=person_id, insurances__unit=unit) & _population_filter(psn_types))
        .distinct()
        .first()
    )
    if person is None:
        raise Http404
    return person


def access_certificate(
    *,
    unit: Unit,
    certificate_id: int,
    kind: str,
    psn_types: tuple[str, ...] | None = None,
    filing_kind: str | None = None,
) -> Certificate:
    """An issued certificate of the unit and kind (a person's or a 备案凭证: its person still in the
    operator's 管理人群; a 备案凭证: of a filing of `filing_kind`, whose business item the page
    is granted)."""
    certificates = Certificate.objects.filter(pk=certificate_id, unit=unit, kind=kind)
    if kind == Certificate.Kind.FILING:
        certificates = certificates.filter(filing__kind=filing_kind)
    if kind != Certificate.Kind.UNIT and psn_types is not None:
        certificates = certificates.filter(
            person__insurances__unit=unit, person__insurances__psn_type__in=psn_types
        ).distinct()
    certificate = certificates.select_related("unit", "person").first()
    if certificate is None:
        raise Http404
    return certificate


def issuing_agency_name(unit: Unit) -> str:
    """经办机构 of the unit's 医保区划 (`division_agency_name`)."""
    return division_agency_name(unit.division_id)


def division_agency_name(division_id: str) -> str:
    """经办机构: the catalogue's agency of the division, else of the nearest division above it
    (city, then province); when the catalogue has none, the division's name with 医疗保障经办机构."""
    codes = [node.code for node in division_path(division_id)]
    agencies = dict(
        Agency.objects.filter(is_active=True, division_id__in=codes)
        .order_by("-code")
        .values_list("division_id", "name")
    )
    for code in reversed(codes):
        if code in agencies:
            return agencies[code]
    return f"{division_full_name(division_id) or division_id}医疗保障经办机构"


def ym_label(ym: int | None) -> str:
    """202401 → 2024年01月."""
    return f"{ym // 100}年{ym % 100:02d}月" if ym else "—"


def paid_period(first: int | None, last: int | None) -> str:
    """缴费起止年月 as the certificate prints it: 2024年01月至2025年12月."""
    return f"{ym_label(first)}至{ym_label(last)}" if first and last else "—"


def _paid_months(unit: Unit, **filters: Any) -> dict[str, dict[str, Any]]:
    """Per 险种: distinct months paid (到账) in the unit, and the first and last of them; from the
    detail rows (a person's certificate: indexed by person)."""
    rows = (
        Contribution.objects.filter(unit=unit, arrival=Contribution.Arrival.ARRIVED, **filters)
        .values("insutype")
        .annotate(months=Count("period", distinct=True), first=Min("period"), last=Max("period"))
        .order_by()
    )
    return {row["insutype"]: row for row in rows}


def _unit_paid_months(unit: Unit) -> dict[str, dict[str, Any]]:
    """`_paid_months` of the whole unit from 单位缴费汇总 (`UnitContributionMonth`, kept by the
    feed import per unit, month, 险种, 人员类别 and 到账状态): a few hundred rows where the detail
    holds one per person and month (1.8 million for a unit of 50,000 over three years: 2 s)."""
    rows = (
        UnitContributionMonth.objects.filter(unit=unit, arrival=Contribution.Arrival.ARRIVED)
        .values("insutype")
        .annotate(months=Count("period", distinct=True), first=Min("period"), last=Max("period"))
        .order_by()
    )
    return {row["insutype"]: row for row in rows}


def _period(rows: list[dict[str, Any]]) -> dict[str, str]:
    firsts = [row["paid_from"] for row in rows if row["paid_from"]]
    lasts = [row["paid_to"] for row in rows if row["paid_to"]]
    return {
        "period_from": ym_label(min(firsts)) if firsts else "—",
        "period_to": ym_label(max(lasts)) if lasts else "—",
    }


def _unit_block(unit: Unit) -> dict[str, str]:
    return {
        "name": unit.name,
        "uscc": unit.uscc,
        "emp_no": unit.emp_no,
        "division": division_full_name(unit.division_id) or unit.division_id,
    }


def unit_certificate_content(unit: Unit, *, today: datetime.date) -> dict[str, Any]:
    """单位参保证明: per 险种 the unit's status, 首次参保年月, 参保人数 and the months paid."""
    paid = _unit_paid_months(unit)
    rows = []
    for row in unit_insurance_rows(unit, today=today):
        months = paid.get(row.insutype, {})
        rows.append(
            {
                "insutype": row.insutype,
                "insutype_label": row.insutype_label,
                "status": row.status_label,
                "first_ym": ym_label(row.start_date.year * 100 + row.start_date.month),
                "persons": row.active_persons,
                "months": months.get("months", 0),
                "paid_from": months.get("first"),
                "paid_to": months.get("last"),
            }
        )
    return {
        "kind": Certificate.Kind.UNIT,
        "title": Certificate.Kind.UNIT.label,
        "holder_name": unit.name,
        "unit": _unit_block(unit),
        "rows": rows,
        **_period(rows),
        "agency": issuing_agency_name(unit),
        "as_of": today.isoformat(),
    }


def person_certificate_content(unit: Unit, person: Person, *, today: datetime.date) -> dict[str, Any]:
    """个人参保证明: per 险种 the person's status in the unit, 首次参保年月, 人员类别 and the months
    paid for the person in this unit. The 证件号码 is kept masked, on paper as on screen."""
    latest: dict[str, Insurance] = {}
    for insurance in Insurance.objects.filter(unit=unit, person=person).order_by(
        "insutype", "start_date", "pk"
    ):
        latest[insurance.insutype] = insurance  # the last relation of each 险种 in the unit
    paid = _paid_months(unit, person=person)
    rows = []
    for insutype, insurance in latest.items():
        months = paid.get(insutype, {})
        rows.append(
            {
                "insutype": insutype,
                "insutype_label": code_label("insutype", insutype),
                "status": status_label_on(insurance, today),
                "psn_type": code_label("psn_type", insurance.psn_type),
                "first_ym": ym_label(insurance.first_insured_ym),
                "months": months.get("months", 0),
                "paid_from": months.get("first"),
                "paid_to": months.get("last"),
            }
        )
    return {
        "kind": Certificate.Kind.PERSON,
        "title": Certificate.Kind.PERSON.label,
        "holder_name": person.name,
        "unit": _unit_block(unit),
        "person": _person_block(person),
        "rows": rows,
        **_period(rows),
        "agency": issuing_agency_name(unit),
        "as_of": today.isoformat(),
    }


def _person_block(person: Person) -> dict[str, str]:
    """The person as a document names them: the 证件号码 masked, on paper as on screen."""
    return {
        "name": person.name,
        "psn_no": person.psn_no,
        "gender": code_label("gend", person.gender),
        "cert_type": code_label("psn_cert_type", person.cert_type),
        "cert_no": mask_id_number(person.cert_no),
    }


def day_label(day: datetime.date | None) -> str:
    """2026-03-05 → 2026年3月5日."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def filing_receipt_content(filing: Filing, *, today: datetime.date) -> dict[str, Any]:
    """备案凭证 of a filing version (已备案): what was filed, for whom and where, as of `today`. The
    居外地址 and 联系电话 stay off the paper; the agency is the insured place's."""
    referral = filing.kind == Filing.Kind.REFERRAL
    return {
        "kind": Certificate.Kind.FILING,
        "title": Certificate.Kind.FILING.label,
        "holder_name": filing.person.name,
        "unit": _unit_block(filing.unit),
        "person": _person_block(filing.person),
        "filing": {
            "number": filing.number,
            "kind": filing.kind,
            "kind_name": filing.kind_name,
            "status": filing.get_status_display(),
            "insutype": filing.insutype,
            "insutype_label": code_label("insutype", filing.insutype),
            "insured_place": division_full_name(filing.insured_division_id) or filing.insured_division_id,
            "care_place": division_full_name(filing.care_division_id) or filing.care_division_id,
            "start_date": filing.start_date.isoformat(),
            "end_date": filing.end_date.isoformat() if filing.end_date else "",
            "network": filing.get_network_display(),
            "filed_on": timezone.localdate(filing.filed_at).isoformat() if filing.filed_at else "",
            "out_hospital": filing.out_hospital if referral else "",
            "in_hospital": filing.in_hospital if referral else "",
        },
        "agency": division_agency_name(filing.insured_division_id),
        "as_of": today.isoformat(),
    }
