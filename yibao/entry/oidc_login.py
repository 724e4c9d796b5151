"""What a verified 统一身份认证平台 identity means for the hall (Beijing manual 002 §二, §三).

A legal-person identity whose 统一社会信用代码 is a registered unit's logs in as that unit's admin
(as a certificate login does: the unit admin's rights); the identity (issuer + subject) is linked
to the unit at its first use, and from then on it logs in as that unit only. An identity whose
USCC no unit has registered goes on to 单位注册 with 单位名称 and 统一社会信用代码 taken from it and
locked; the registration links it (`platform_identity_link`, called by entry.registration).

Every refusal is audited as `oidc_login_refused` with its code and counted against the address
like a failed password login (not a cancellation or an unreachable provider: those are nobody's
attack).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from yibao.accounts import lockout
from yibao.accounts.authentication import user_lock_key
from yibao.accounts.error_codes import LoginErrorCode
from yibao.accounts.models import User
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.validators.uscc import validate_uscc
from yibao.entry.error_codes import OidcErrorCode
from yibao.entry.models import PlatformIdentity
from yibao.entry.oidc import LEGAL_PERSON, PlatformClaims, oidc_callback_claims, oidc_error, platform_name
from yibao.entry.verified_identity import VerifiedSource, VerifiedUnit
from yibao.units.models import Unit

OIDC_LOCK_KEY = "oidc-login"
NOT_COUNTED = {OidcErrorCode.CANCELLED, OidcErrorCode.UNAVAILABLE}


def _linked_elsewhere() -> ApplicationError:
    return ApplicationError(
        OidcErrorCode.LINKED_ELSEWHERE,
        f"该{platform_name()}法人账号已关联其他单位，与本次认证的统一社会信用代码不一致，无法登录，请联系医保经办机构",
    )


def _unit_linked_otherwise() -> ApplicationError:
    return ApplicationError(
        OidcErrorCode.UNIT_LINKED_OTHERWISE,
        f"该单位已关联其他{platform_name()}法人账号，无法使用本账号登录，请联系医保经办机构",
    )


@dataclass(frozen=True)
class OidcOutcome:
    """A login (`user` set) or a registration to begin (`verified` set)."""

    claims: PlatformClaims
    user: User | None = None
    unit: Unit | None = None
    verified: VerifiedUnit | None = None


def _legal_person(claims: PlatformClaims) -> None:
    if claims.subject_kind != LEGAL_PERSON:
        raise oidc_error(OidcErrorCode.NOT_LEGAL_PERSON)
    if not claims.name:
        raise oidc_error(OidcErrorCode.CLAIMS_INVALID)
    try:
        validate_uscc(claims.uscc)
    except ApplicationError:
        raise oidc_error(OidcErrorCode.CLAIMS_INVALID) from None


def platform_identity_check(*, issuer: str, subject: str, unit: Unit | None, uscc: str) -> None:
    """The identity may act for the unit with `uscc` (`unit` when registered): not linked to
    another unit, and the unit not linked to another identity of the issuer."""
    linked = PlatformIdentity.objects.filter(issuer=issuer, subject=subject).select_related("unit").first()
    if linked is not None and (unit is None or linked.unit_id != unit.pk or linked.unit.uscc != uscc):
        raise _linked_elsewhere()
    if unit is not None and linked is None and unit.platform_identities.filter(issuer=issuer).exists():
        raise _unit_linked_otherwise()


def platform_identity_link(
    *, unit: Unit, issuer: str, subject: str, actor: User, origin: RequestOrigin
) -> PlatformIdentity:
    """Link the identity to the unit (its first login or its registration); audited."""
    with transaction.atomic():
        identity = PlatformIdentity.objects.create(unit=unit, issuer=issuer, subject=subject)
        audit_event_record(
            actor=actor,
            action="oidc_identity_linked",
            unit=unit,
            after={"issuer": issuer, "subject": subject},
            origin=origin,
        )
    return identity


def _login_resolve(claims: PlatformClaims, *, origin: RequestOrigin) -> OidcOutcome:
    _legal_person(claims)
    unit = Unit.objects.filter(uscc=claims.uscc, account__isnull=False).select_related("account").first()
    platform_identity_check(issuer=claims.issuer, subject=claims.subject, unit=unit, uscc=claims.uscc)
    if unit is None or unit.account is None:
        reference = {"issuer": claims.issuer, "subject": claims.subject}
        verified = VerifiedUnit(
            source=VerifiedSource.OIDC, name=claims.name, uscc=claims.uscc, reference=reference
        )
        return OidcOutcome(claims=claims, verified=verified)
    if not unit.account.is_active:
        raise ApplicationError(OidcErrorCode.ACCOUNT_DISABLED, "该单位账号已停用，请联系经办机构")
    # The unit account's lockout (wrong passwords) holds for this login too, as for 单位 CA 登录.
    locked = lockout.account_locked_seconds(user_lock_key(unit.account))
    if locked:
        raise ApplicationError(LoginErrorCode.LOCKED, lockout.lock_message(locked))
    identity = PlatformIdentity.objects.filter(issuer=claims.issuer, subject=claims.subject).first()
    if identity is None:
        try:
            identity = platform_identity_link(
                unit=unit, issuer=claims.issuer, subject=claims.subject, actor=unit.account, origin=origin
            )
        except IntegrityError:  # linked by a login of the same identity at the same moment
            platform_identity_check(issuer=claims.issuer, subject=claims.subject, unit=unit, uscc=claims.uscc)
            identity = PlatformIdentity.objects.get(issuer=claims.issuer, subject=claims.subject)
    PlatformIdentity.objects.filter(pk=identity.pk).update(last_login_at=timezone.now())
    return OidcOutcome(claims=claims, user=unit.account, unit=unit)


def oidc_login_complete(request: HttpRequest, *, origin: RequestOrigin) -> OidcOutcome:
    """The provider's answer at the callback, checked (oidc) and resolved to a login or a
    registration; refusals audited and counted."""
    if lockout.address_limited(origin.ip_address):
        audit_event_record(actor=None, action="oidc_login_refused", after={"code": "address"}, origin=origin)
        raise oidc_error(OidcErrorCode.ADDRESS_LIMITED)
    claims: PlatformClaims | None = None
    try:
        claims = oidc_callback_claims(request)
        return _login_resolve(claims, origin=origin)
    except ApplicationError as error:
        shown: dict[str, str] = {"code": str(error.code)}
        if claims is not None:
            shown |= {"issuer": claims.issuer, "subject": claims.subject, "uscc": claims.uscc}
        audit_event_record(actor=None, action="oidc_login_refused", after=shown, origin=origin)
        if error.code not in NOT_COUNTED:
            lockout.login_failure_record(account_key=OIDC_LOCK_KEY, ip_address=origin.ip_address)
        raise
