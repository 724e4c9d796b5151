"""单位 CA 登录: a certificate driver's signature over the hall's challenge logs in the admin of the
registered unit whose 统一社会信用代码 the verified certificate carries, if that certificate is
bound to the unit on its 数字证书 page (Beijing 002 §三, FAQ 5: a certificate login has the unit
admin's rights).

The checks of the certificate are pki's (`driver_identity`); here the unit is found and the
binding checked. Lockout:

- every refusal counts against the address, like a failed password login;
- refusals after the certificate's holder proved the key (a good signature over this session's
  challenge) count against the certificate (key `ca:<fingerprint>`, the profile's numbers): a
  locked certificate is refused before it is checked. Refusals before that (bad signature,
  stale challenge) do not, since anyone may post a public certificate with a bad signature and
  would otherwise lock its holder out;
- the unit admin's account lockout (failed passwords) holds for CA login too: a locked account
  is refused by certificate as by password until it unlocks (or 找回密码 resets it).

Units registered before certificates were bound: a valid certificate of the unit that is not
bound is refused (NOT_BOUND), never bound on its first use. Binding is the unit admin's choice
of which certificates speak for the unit; binding whatever valid certificate comes first would
let any certificate a CA issued under the unit's USCC (a branch's, a former employee's, one
the unit does not know of) take the admin's rights without the admin ever choosing it. The
admin logs in by password once and binds it on 数字证书; the refusal says so.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase

from yibao.accounts import lockout
from yibao.accounts.authentication import user_lock_key
from yibao.accounts.error_codes import LoginErrorCode
from yibao.accounts.models import User
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.pki.driver import UNSIGNED_REFUSALS, certificate_fingerprint, driver_identity
from yibao.pki.error_codes import CaErrorCode
from yibao.pki.verification import CertificateIdentity
from yibao.units.models import Unit
from yibao.units.selectors import unit_certificate_bound

NOT_REGISTERED = "无法登录，请先注册该单位账号"
NOT_BOUND = (
    "该数字证书尚未绑定本单位，不能用于 CA 登录。"
    "请单位管理员使用单位账号和密码登录后，在【数字证书】中绑定该证书"
)
ACCOUNT_DISABLED = "该单位账号已停用，请联系经办机构"
CA_LOCK_KEY = "ca-login"


def certificate_lock_key(fingerprint: str) -> str:
    return f"ca:{fingerprint}"


def certificate_lock_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return f"该数字证书登录失败次数过多，已被锁定，请{minutes}分钟后再试"


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
    ApplicationError (audited as `ca_login_refused` with its code, counted as above)."""
    if lockout.address_limited(origin.ip_address):
        audit_event_record(actor=None, action="ca_login_refused", after={"code": "address"}, origin=origin)
        raise ApplicationError(LoginErrorCode.IP_LIMITED, "登录失败次数过多，请稍后再试")
    fingerprint = certificate_fingerprint(certificate)
    if fingerprint is not None:
        locked = lockout.account_locked_seconds(certificate_lock_key(fingerprint))
        if locked:
            audit_event_record(
                actor=None,
                action="ca_login_refused",
                after={"code": str(CaErrorCode.LOCKED), "fingerprint": fingerprint},
                origin=origin,
            )
            raise ApplicationError(LoginErrorCode.LOCKED, certificate_lock_message(locked))
    identity: CertificateIdentity | None = None
    unit: Unit | None = None
    try:
        identity = driver_identity(
            session=session,
            purpose="login",
            challenge=challenge,
            certificate=certificate,
            chain=chain,
            signature=signature,
        )
        unit = (
            Unit.objects.filter(uscc=identity.uscc, account__isnull=False).select_related("account").first()
        )
        if unit is None or unit.account is None:
            raise ApplicationError(CaErrorCode.NOT_REGISTERED, NOT_REGISTERED)
        if not unit.account.is_active:
            raise ApplicationError(CaErrorCode.ACCOUNT_DISABLED, ACCOUNT_DISABLED)
        account_locked = lockout.account_locked_seconds(user_lock_key(unit.account))
        if account_locked:
            raise ApplicationError(LoginErrorCode.LOCKED, lockout.lock_message(account_locked))
        if not unit_certificate_bound(unit, identity.fingerprint):
            raise ApplicationError(CaErrorCode.NOT_BOUND, NOT_BOUND)
    except ApplicationError as error:
        shown: dict[str, str] = {"code": str(error.code)}
        if identity is not None:
            shown |= {"uscc": identity.uscc, "serial": identity.serial, "issuer": identity.issuer}
        audit_event_record(actor=None, action="ca_login_refused", unit=unit, after=shown, origin=origin)
        signed = fingerprint is not None and error.code not in UNSIGNED_REFUSALS
        if error.code is not LoginErrorCode.LOCKED:  # a locked account's refusal is not a new failure
            key = certificate_lock_key(fingerprint) if signed and fingerprint else CA_LOCK_KEY
            lockout.login_failure_record(account_key=key, ip_address=origin.ip_address)
        raise
    lockout.login_failures_clear(account_key=certificate_lock_key(identity.fingerprint))
    return unit.account, identity
