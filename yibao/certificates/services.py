"""Writes of 参保证明: issuing one (打印), and checking one (参保证明查验)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yibao.accounts import lockout
from yibao.accounts.models import User
from yibao.certificates.codes import certificate_number_new, code_matches, code_normalise
from yibao.certificates.error_codes import CertificateErrorCode
from yibao.certificates.models import Certificate
from yibao.certificates.selectors import paid_period, person_certificate_content, unit_certificate_content
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.masking import mask_id_number, mask_name
from yibao.enrollment.models import Person
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
    agency = content["agency"]
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
        holder_name=content["holder_name"],
        agency_name=agency,
        issued_at=issued_at,
        issued_by=actor,
        content=content,
    )
    audit_event_record(
        actor=actor,
        action="certificate_issue",
        unit=unit,
        target=certificate,
        after={"number": number, "kind": kind, "person": person.psn_no if person else ""},
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
    certificate = Certificate.objects.filter(number=code_normalise(number)).first()
    if certificate is None or not code_matches(certificate, code):
        # Not audited as an event: the failure row is the record (and the rate limit's count).
        lockout.login_failure_record(account_key=key, ip_address=None)
        raise ApplicationError(CertificateErrorCode.NOT_GENUINE, NOT_GENUINE_MESSAGE)
    return _verified(certificate)


def _verified(certificate: Certificate) -> VerifiedCertificate:
    content = certificate.content
    is_person = certificate.kind == Certificate.Kind.PERSON
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
    )
