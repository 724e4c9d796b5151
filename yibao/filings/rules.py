"""The rules of 异地就医备案 (facts §4.3; the issue's list), each refusing with a Chinese message at
its field. The draft service runs them with the operator's 管理人群 before saving, the application
type runs them again at submitting, and approval once more before writing (a rule or a record may
have changed meanwhile).
"""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from django.db.models import Q

from yibao.core.errors import ApplicationError
from yibao.core.profiles import get_profile
from yibao.core.selectors import division_full_name
from yibao.enrollment.models import Insurance
from yibao.enrollment.scope import PersonScope
from yibao.enrollment.standing import in_force
from yibao.filings.error_codes import FilingErrorCode
from yibao.filings.kinds import FilingKind
from yibao.filings.models import Filing
from yibao.units.models import Unit

PERSON_NOT_FOUND = "未查询到该人员在本单位的参保信息，请核对证件号码"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _day(value: Any) -> datetime.date | None:
    if not value:
        return None
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _refuse(code: FilingErrorCode, message: str, field: str | None = None) -> ApplicationError:
    return ApplicationError(code, message, field=field)


# --- the person ----------------------------------------------------------------------------------


def insurances_in_force(
    unit: Unit, person_id: int, *, today: datetime.date, scope: PersonScope | None = None
) -> list[Insurance]:
    """The person's insurances with the unit that are 正常参保 today (within the operator's
    管理人群 when `scope` is given), by 险种."""
    if scope is not None and scope.unit.pk != unit.pk:
        return []
    rows = scope.insurances() if scope is not None else Insurance.objects.filter(unit=unit)
    return list(
        rows.filter(in_force(today), person_id=person_id).select_related("person").order_by("insutype")
    )


def person_check(
    unit: Unit, person_id: Any, *, today: datetime.date, scope: PersonScope | None = None
) -> list[Insurance]:
    """Only actively insured persons of this unit (and of the operator's 管理人群): anyone else is
    «not found», whatever the reason, so nothing about them is revealed."""
    text = str(person_id or "").strip()
    held = insurances_in_force(unit, int(text), today=today, scope=scope) if text.isdigit() else []
    if not held:
        raise _refuse(FilingErrorCode.PERSON_NOT_FOUND, PERSON_NOT_FOUND)
    return held


def eligibility_check(spec: FilingKind, held: list[Insurance]) -> None:
    """安置退休: the person is retired; 常驻异地工作: an in-service employee of the unit."""
    if not any(spec.eligible(insurance.psn_type) for insurance in held):
        raise _refuse(FilingErrorCode.NOT_ELIGIBLE, spec.refusal)


# --- the filing's values -------------------------------------------------------------------------


def place_check(unit: Unit, care_division: str) -> None:
    """就医地 is never the insured place: another city (统筹区) than the unit's."""
    if care_division[:4] == str(unit.division_id)[:4]:
        insured = division_full_name(str(unit.division_id)[:4] + "00") or division_full_name(unit.division_id)
        raise _refuse(
            FilingErrorCode.INSURED_PLACE,
            f"就医地不能为参保地（{insured}），请选择参保地以外的地区",
            field="care_division",
        )


def referral_end(start: datetime.date, end: datetime.date | None) -> datetime.date:
    """A 转诊 filing's 结束日期: as given, or the last day of the profile's validity window."""
    months = get_profile().referral_validity_months
    return end or add_months(start, months) - datetime.timedelta(days=1)


def dates_check(
    spec: FilingKind, values: dict[str, Any], held: list[Insurance], *, insurance_start: bool = True
) -> None:
    """开始日期 not before the insurance start (of the 险种 filed); a long-term filing has no
    结束日期; a 转诊 filing's ends neither before it starts nor after the validity window."""
    start, end = _day(values.get("start_date")), _day(values.get("end_date"))
    if start is None:
        raise _refuse(FilingErrorCode.DATES, "请输入开始日期", field="start_date")
    insured = [i for i in held if i.insutype == values.get("insutype")] or held
    began = min(i.start_date for i in insured)
    if insurance_start and start < began:
        raise _refuse(
            FilingErrorCode.DATES,
            f"开始日期不能早于该人员在本单位的参保日期（{began:%Y-%m-%d}）",
            field="start_date",
        )
    if spec.long_term:
        if end is not None:
            raise _refuse(FilingErrorCode.DATES, f"{spec.name}长期有效，无需填写结束日期", field="end_date")
        return
    if end is not None and end < start:
        raise _refuse(FilingErrorCode.DATES, "结束日期不能早于开始日期", field="end_date")
    months = get_profile().referral_validity_months
    latest = referral_end(start, None)
    if end is not None and end > latest:
        raise _refuse(
            FilingErrorCode.DATES,
            f"异地转诊备案有效期最长为{months}个月，结束日期不能晚于{latest:%Y-%m-%d}",
            field="end_date",
        )


def insutype_check(values: dict[str, Any], held: list[Insurance]) -> None:
    if values.get("insutype") not in {i.insutype for i in held}:
        raise _refuse(FilingErrorCode.INVALID_VALUE, "该人员未在本单位正常参加所选险种", field="insutype")


def commitment_check(spec: FilingKind, values: dict[str, Any]) -> None:
    """The 告知承诺书 replaces the proof only for long-term filings, where the province accepts it."""
    if values.get("commitment") != "1":
        return
    if not spec.long_term:
        raise _refuse(
            FilingErrorCode.COMMITMENT, "异地转诊备案须上传转诊证明，不适用告知承诺制", field="commitment"
        )
    if not get_profile().filing_commitment:
        raise _refuse(
            FilingErrorCode.COMMITMENT, "本地区不实行告知承诺制，请上传证明材料", field="commitment"
        )


def overlap_check(
    person_id: int, start: datetime.date, end: datetime.date | None, *, unit: Unit, exclude: int | None = None
) -> None:
    """No two filings in force of one person for overlapping periods (any type, any unit)."""
    overlapping = Q(end_date__isnull=True) | Q(end_date__gte=start)
    if end is not None:
        overlapping &= Q(start_date__lte=end)
    other = (
        Filing.objects.filter(overlapping, person_id=person_id, status=Filing.Status.FILED)
        .exclude(pk=exclude or 0)
        .order_by("start_date")
        .first()
    )
    if other is None:
        return
    period = f"{other.start_date:%Y-%m-%d} 起" + (
        f"至 {other.end_date:%Y-%m-%d}" if other.end_date else "长期有效"
    )
    how = (
        "请办理变更备案或取消备案后再申请"
        if other.unit_id == unit.pk
        else "请由原办理单位或到医保经办机构变更或取消原备案"
    )
    raise _refuse(
        FilingErrorCode.OVERLAP,
        f"该人员已有备案期间重叠的{other.kind_name}（{period}），不能重复备案；{how}",
        field="start_date",
    )


def values_check(
    spec: FilingKind,
    unit: Unit,
    values: dict[str, Any],
    held: list[Insurance],
    *,
    exclude: int | None = None,
    insurance_start: bool = True,
) -> None:
    """Every rule on a filing's values (new, or a changed version replacing `exclude`)."""
    insutype_check(values, held)
    place_check(unit, str(values.get("care_division", "")))
    dates_check(spec, values, held, insurance_start=insurance_start)
    commitment_check(spec, values)
    start = _day(values["start_date"])
    assert start is not None  # noqa: S101 - dates_check refuses a missing start
    overlap_check(held[0].person_id, start, _day(values.get("end_date")), unit=unit, exclude=exclude)


# --- changing or cancelling ----------------------------------------------------------------------


def filing_in_force(unit: Unit, filing_id: Any, person_id: Any) -> Filing:
    """The unit's filing (of the person) that is 已备案: the one a change or cancellation is about."""
    text, person = str(filing_id or "").strip(), str(person_id or "").strip()
    filing = (
        Filing.objects.filter(pk=int(text), unit=unit, person_id=int(person)).first()
        if text.isdigit() and person.isdigit()
        else None
    )
    if filing is None:
        raise _refuse(FilingErrorCode.FILING_NOT_FOUND, "未查询到该备案信息")
    if filing.status != Filing.Status.FILED:
        raise _refuse(
            FilingErrorCode.FILING_NOT_FOUND,
            f"该备案当前状态为“{filing.get_status_display()}”，不能变更或取消",
        )
    return filing


def change_window_check(spec: FilingKind, filing: Filing, today: datetime.date) -> None:
    """A long-term filing may be changed or cancelled only after the profile's minimum months."""
    if not spec.long_term:
        return
    months = get_profile().filing_change_months
    allowed = add_months(filing.start_date, months)
    if today < allowed:
        raise _refuse(
            FilingErrorCode.TOO_EARLY,
            f"{spec.name}自开始日期起满{months}个月后方可变更或取消（{allowed:%Y-%m-%d} 起可办理）",
        )
