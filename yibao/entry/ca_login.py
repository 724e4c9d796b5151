"""单位 CA 登录: a certificate driver's signature over the hall's challenge logs in the admin of the
registered unit whose 统一社会信用代码 the verified certificate carries (Beijing 002 §三, FAQ 5:
a certificate login has the unit admin's rights).

The checks of the certificate are pki's (`certificate_verify`); here the challenge is taken from
the session, the unit found, and every refusal audited and counted against the address like a
failed password login.
"""

from __future__ import annotations

import base64
import binascii

from django.contrib.sessions.backends.base import SessionBase

from yibao.accounts import lockout
from yibao.accounts.error_codes import LoginErrorCode
from yibao.accounts.models import User
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.pki.challenges import challenge_take, signed_message
from yibao.pki.error_codes import CaErrorCode
from yibao.pki.verification import MESSAGES, CertificateIdentity, certificate_verify
from yibao.units.models import Unit

NOT_REGISTERED = "无法登录，请先注册该单位账号"
ACCOUNT_DISABLED = "该单位账号已停用，请联系经办机构"
CA_LOCK_KEY = "ca-login"


def _identity_from_driver(
    *, session: SessionBase, challenge: str, certificate: str, chain: list[str], signature: str
) -> CertificateIdentity:
    taken = challenge_take(session, challenge)
    try:
        raw_signature = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        raise ApplicationError(CaErrorCode.MALFORMED, MESSAGES[CaErrorCode.MALFORMED]) from None
    return certificate_verify(
        certificate=certificate, intermediates=chain, message=signed_message(taken), signature=raw_signature
    )


def ca_login_authenticate(
    *,
    session: SessionBase,
    challenge: str,
    certificate: str,
    chain: list[str],
    signature: str,
    origin: RequestOrigin,
) -> tuple[User, CertificateIdentity]:
    """The unit admin the driver's signed certificate logs in (and what the certificate says), or
    ApplicationError (audited as
    `ca_login_refused` with its code, counted against the address)."""
    if lockout.address_limited(origin.ip_address):
        audit_event_record(actor=None, action="ca_login_refused", after={"code": "address"}, origin=origin)
        raise ApplicationError(LoginErrorCode.IP_LIMITED, "登录失败次数过多，请稍后再试")
    identity: CertificateIdentity | None = None
    unit: Unit | None = None
    try:
        identity = _identity_from_driver(
            session=session, challenge=challenge, certificate=certificate, chain=chain, signature=signature
        )
        unit = (
            Unit.objects.filter(uscc=identity.uscc, account__isnull=False).select_related("account").first()
        )
        if unit is None or unit.account is None:
            raise ApplicationError(CaErrorCode.NOT_REGISTERED, NOT_REGISTERED)
        if not unit.account.is_active:
            raise ApplicationError(CaErrorCode.NOT_REGISTERED, ACCOUNT_DISABLED)
    except ApplicationError as error:
        shown: dict[str, str] = {"code": str(error.code)}
        if identity is not None:
            shown |= {"uscc": identity.uscc, "serial": identity.serial, "issuer": identity.issuer}
        audit_event_record(actor=None, action="ca_login_refused", unit=unit, after=shown, origin=origin)
        lockout.login_failure_record(account_key=CA_LOCK_KEY, ip_address=origin.ip_address)
        raise
    return unit.account, identity
