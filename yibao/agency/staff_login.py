"""Staff login (经办机构工作台 and 系统管理): password with the hall's lockout, then a second factor.

1. 用户名 + 密码 + 图形验证码, counted by the same lockout as the hall (`login_password_check`:
   per account and per address). Success does not log in yet: it names the staff member the
   session is proving.
2. 动态口令: a TOTP code from the authenticator app the staff member enrolled (RFC 6238, through
   django-otp), or one of their recovery codes (each works once). Wrong codes count towards the same
   lockout. A staff member without an enrolled app enrolls it now: the secret as a QR code and as
   text, confirmed by a first code, then ten recovery codes shown once.

Every step leaves an audit event.
"""

from __future__ import annotations

from django_otp import match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from yibao.accounts import lockout
from yibao.accounts.authentication import login_password_check, user_lock_key
from yibao.accounts.error_codes import LoginErrorCode
from yibao.accounts.models import User
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError

STAFF_KIND = "staff"
APP_DEVICE = "身份验证器"
RECOVERY_DEVICE = "恢复码"
RECOVERY_CODES = 10
WRONG_CODE = "动态口令不正确或已过期，请重新输入"


def staff_password_check(*, username: str, password: str, origin: RequestOrigin) -> User:
    """The staff member (active, is_staff) these credentials belong to; ApplicationError otherwise,
    counted like a hall login (the same answer for a wrong password and an unknown user)."""
    username = username.strip()
    user = User.objects.filter(username=username, is_staff=True).first()
    return login_password_check(
        user=user, kind=STAFF_KIND, identifier=username, password=password, origin=origin
    )


def staff_app_enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def staff_code_check(*, user: User, code: str, origin: RequestOrigin) -> Device:
    """The device (authenticator app or recovery codes) that accepts `code`; a wrong code counts
    towards the account's lockout like a wrong password."""
    key = user_lock_key(user)
    locked = lockout.account_locked_seconds(key)
    if locked:
        audit_event_record(actor=user, action="staff_otp_refused_locked", origin=origin)
        raise ApplicationError(LoginErrorCode.LOCKED, lockout.lock_message(locked))
    device = match_token(user, "".join(code.split()))
    if device is None:
        lockout.login_failure_record(account_key=key, ip_address=origin.ip_address)
        audit_event_record(actor=user, action="staff_otp_failed", origin=origin)
        now_locked = lockout.account_locked_seconds(key)
        if now_locked:
            audit_event_record(actor=user, action="account_locked", origin=origin)
            raise ApplicationError(LoginErrorCode.LOCKED, lockout.lock_message(now_locked))
        raise ApplicationError(LoginErrorCode.INVALID, WRONG_CODE)
    lockout.login_failures_clear(account_key=key)
    if isinstance(device, StaticDevice):
        left = StaticToken.objects.filter(device=device).count()
        audit_event_record(actor=user, action="staff_recovery_code_used", after={"left": left}, origin=origin)
    return device


def staff_app_enrollment(user: User) -> TOTPDevice:
    """The authenticator app being enrolled (not yet confirmed): the same secret until confirmed,
    so a reloaded page shows the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)


def staff_app_enroll_confirm(
    *, user: User, device: TOTPDevice, code: str, origin: RequestOrigin
) -> list[str]:
    """Confirm the app with its first code; return the new recovery codes (shown once)."""
    if device.user_id != user.pk or device.confirmed:
        raise ApplicationError(LoginErrorCode.INVALID, "请刷新页面后重新绑定身份验证器")
    if not device.verify_token("".join(code.split())):
        audit_event_record(actor=user, action="staff_otp_enroll_failed", origin=origin)
        raise ApplicationError(LoginErrorCode.INVALID, WRONG_CODE)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = staff_recovery_codes_renew(user=user)
    audit_event_record(actor=user, action="staff_otp_enrolled", origin=origin)
    return codes


def staff_recovery_codes_renew(*, user: User) -> list[str]:
    """Ten new recovery codes (the old ones stop working)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
