"""Writes of 参保证明: issuing one (打印), and checking one (参保证明查验)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yibao.accounts import lockout
from yibao.accounts.models import User
from yibao.certificates.codes import certificate_number_new, code_matches, code_normalise
from yibao.certificates.error_codes import CertificateErrorCode
from yibao.certificates.models import Certificate
from yibao.certificates.selectors import (
    filing_receipt_content,
    paid_period,
    person_certificate_content,
    unit_certificate_content,
)
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.masking import mask_id_number, mask_name
from yibao.enrollment.models import Person
from yibao.filings.models import Filing
from yibao.units.models import Unit

NOT_GENUINE_MESSAGE = "证明编号或验证码不正确"
VERIFY_KEY = "certificate-verify:{}"
NUMBER_ATTEMPTS = 5


@transaction.atomic
def certificate_issue(
    *, unit: Unit, person: Person | None, actor: User, origin: RequestOrigin
) -> Certificate:
    """Issue a unit's (person None) or a person's certificate: a new 证明编号, what it says as of
    now, and an audit event. The caller has reached the person through the unit."""
    issued_at = timezone.now().replace(microsecond=0)
    today = timezone.localdate(issued_at)
    if person is None:
        kind, content = Certificate.Kind.UNIT, unit_certificate_content(unit, today=today)
    else:
        kind, content = Certificate.Kind.PERSON, person_certificate_content(unit, person, today=today)
    return _issue(
        kind=kind, unit=unit, person=person, filing=None, content=content, issued_at=issued_at,
        actor=actor, origin=origin,
    )  # fmt: skip


@transaction.atomic
def filing_receipt_issue(*, filing: Filing, actor: User, origin: RequestOrigin) -> Certificate:
    """Issue the 备案凭证 of a filing version: only while it is 已备案 (not 申请中, 不予备案, nor
    changed or cancelled since). The caller has reached the filing through the unit and the
    operator's 管理人群."""
    locked = Filing.objects.select_for_update().select_related("person", "unit").get(pk=filing.pk)
    if locked.status != Filing.Status.FILED:
        raise ApplicationError(
            CertificateErrorCode.NOT_FILED,
            f"该备案当前为{locked.get_status_display()}状态，只有已备案的备案才能打印备案凭证",
        )
    issued_at = timezone.now().replace(microsecond=0)
    content = filing_receipt_content(locked, today=timezone.localdate(issued_at))
    return _issue(
        kind=Certificate.Kind.FILING, unit=locked.unit, person=locked.person, filing=locked,
        content=content, issued_at=issued_at, actor=actor, origin=origin,
    )  # fmt: skip


def _issue(
    *,
    kind: Certificate.Kind,
    unit: Unit,
    person: Person | None,
    filing: Filing | None,
    content: dict[str, Any],
    issued_at: datetime.datetime,
    actor: User,
    origin: RequestOrigin,
) -> Certificate:
    """Store an issued document under a new 证明编号 with what it says, and audit it."""
    number = certificate_number_new(issued_at)
    for _ in range(NUMBER_ATTEMPTS):  # 10**8 numbers a day: a repeat is rare, never kept
        if not Certificate.objects.filter(number=number).exists():
            break
        number = certificate_number_new(issued_at)
    certificate = Certificate.objects.create(
        number=number,
        kind=kind,
        unit=unit,
        person=person,
        filing=filing,
        holder_name=content["holder_name"],
        agency_name=content["agency"],
        issued_at=issued_at,
        issued_by=actor,
        content=content,
    )
    after = {"number": number, "kind": kind, "person": person.psn_no if person else ""}
    if filing is not None:
        after["filing"] = filing.number
    audit_event_record(
        actor=actor,
        action="filing_receipt_issue" if filing is not None else "certificate_issue",
        unit=unit,
        target=certificate,
        after=after,
        origin=origin,
    )
    return certificate


@dataclass(frozen=True)
class CertifiedRow:
    """One 险种 line of what the certificate certified, as printed on it."""

    insutype: str
    status: str
    psn_type: str  # a person's certificate: 人员类别
    first_ym: str
    persons: int | None  # a unit's certificate: 参保人数
    months: int
    paid_period: str


@dataclass(frozen=True)
class VerifiedCertificate:
    """What the public check shows of a genuine certificate: what it certified, as issued (the
    stored snapshot, not the paper), so a reader compares the figures line by line; a person's
    name and ID number masked, as nothing personal is told beyond what the paper carries."""

    number: str
    kind_label: str
    holder_shown: str  # a person's name masked; a unit's name in full (public, not personal data)
    issued_on: datetime.date
    agency_name: str
    is_person: bool
    unit_name: str
    unit_uscc: str
    person_cert: str  # a person's 证件类型 and masked 证件号码
    as_of: str
    period: str
    rows: tuple[CertifiedRow, ...]
    filing: VerifiedFiling | None = None  # a 备案凭证: what it certified and the filing's status now


@dataclass(frozen=True)
class VerifiedFiling:
    """What the check shows of a genuine 备案凭证: the filing as the receipt certified it (the
    person masked) and, read now, whether it still holds: a filing changed (已变更, with the number
    of the version in force) or cancelled (已取消) since, or past its 结束日期, no longer does."""

    number: str
    kind_name: str
    insutype: str
    insured_place: str
    care_place: str
    start_date: str
    end_date: str  # 长期有效 when the filing has none
    network: str
    out_hospital: str
    in_hospital: str
    status_now: str
    holds: bool
    ended_on: datetime.date | None
    successor: str  # 已变更: the 备案编号 of the version that replaced it
    expired: bool  # 已备案 but its 结束日期 has passed


def verify_limit_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return f"查验失败次数过多，请{minutes}分钟后再试"


def certificate_verify(*, number: str, code: str, origin: RequestOrigin) -> VerifiedCertificate:
    """参保证明查验: the certificate if the number and 验证码 belong together. A wrong pair counts
    against the client's address; too many within the window refuse further checks for a while.
    An unknown number and a wrong code get the same answer."""
    key = VERIFY_KEY.format(origin.ip_address or "unknown")
    locked = lockout.key_locked_seconds(
        key,
        attempts=settings.YIBAO_CERT_VERIFY_FAILURES_PER_IP,
        minutes=settings.YIBAO_CERT_VERIFY_WINDOW_MINUTES,
    )
    if locked:
        raise ApplicationError(
            CertificateErrorCode.LIMITED, verify_limit_message(locked), extra={"retry_after": locked}
        )
    certificate = Certificate.objects.filter(number=code_normalise(number)).select_related("filing").first()
    if certificate is None or not code_matches(certificate, code):
        # Not audited as an event: the failure row is the record (and the rate limit's count).
        lockout.login_failure_record(account_key=key, ip_address=None)
        raise ApplicationError(CertificateErrorCode.NOT_GENUINE, NOT_GENUINE_MESSAGE)
    return _verified(certificate)


def _filing_now(certificate: Certificate) -> VerifiedFiling | None:
    """A 备案凭证's filing as certified, with its present status."""
    filing = certificate.filing
    if filing is None:
        return None
    certified = certificate.content.get("filing") or {}
    today = timezone.localdate()
    expired = filing.status == Filing.Status.FILED and filing.end_date is not None and filing.end_date < today
    successor = ""
    if filing.status == Filing.Status.CHANGED:
        newer = Filing.objects.filter(previous=filing).values_list("number", flat=True).first()
        successor = newer or ""
    return VerifiedFiling(
        number=str(certified.get("number", filing.number)),
        kind_name=str(certified.get("kind_name", filing.kind_name)),
        insutype=str(certified.get("insutype_label", "")),
        insured_place=str(certified.get("insured_place", "")),
        care_place=str(certified.get("care_place", "")),
        start_date=str(certified.get("start_date", "")),
        end_date=str(certified.get("end_date") or "长期有效"),
        network=str(certified.get("network", "")),
        out_hospital=str(certified.get("out_hospital", "")),
        in_hospital=str(certified.get("in_hospital", "")),
        status_now=filing.get_status_display(),
        holds=filing.status == Filing.Status.FILED and not expired,
        ended_on=filing.ended_on,
        successor=successor,
        expired=expired,
    )


def _verified(certificate: Certificate) -> VerifiedCertificate:
    content = certificate.content
    is_person = certificate.kind in (Certificate.Kind.PERSON, Certificate.Kind.FILING)
    person = content.get("person") or {}
    unit = content.get("unit") or {}
    as_of = datetime.date.fromisoformat(content["as_of"]) if content.get("as_of") else None
    return VerifiedCertificate(
        number=certificate.number,
        kind_label=certificate.get_kind_display(),
        holder_shown=mask_name(certificate.holder_name) if is_person else certificate.holder_name,
        issued_on=timezone.localdate(certificate.issued_at),
        agency_name=certificate.agency_name,
        is_person=is_person,
        unit_name=str(unit.get("name", "")),
        unit_uscc="" if is_person else str(unit.get("uscc", "")),
        person_cert=f"{person.get('cert_type', '')} {mask_id_number(str(person.get('cert_no', '')))}".strip(),
        as_of=f"{as_of.year}年{as_of.month}月{as_of.day}日" if as_of else "",
        period=f"{content.get('period_from', '—')}至{content.get('period_to', '—')}",
        rows=tuple(
            CertifiedRow(
                insutype=str(row.get("insutype_label", "")),
                status=str(row.get("status", "")),
                psn_type=str(row.get("psn_type", "")),
                first_ym=str(row.get("first_ym", "")),
                persons=row.get("persons"),
                months=int(row.get("months") or 0),
                paid_period=paid_period(row.get("paid_from"), row.get("paid_to")),
            )
            for row in content.get("rows", [])
        ),
        filing=_filing_now(certificate),
    )
