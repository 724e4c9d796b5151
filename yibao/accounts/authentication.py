"""Checking a password for a user found by what was typed, with lockout counting.

The answer for a wrong password and an unknown account is the same. Failures are counted per
user, and for identifiers that match nobody per hashed identifier, so the lockout reveals
nothing. The attempt is recorded before the password is checked, so parallel guesses cannot
slip past the limit. Finding the user (unit account or USCC, operator mobile) is the login
page's part (`yibao.entry.authentication`).
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.hashers import check_password, make_password

from yibao.accounts import lockout
from yibao.accounts.error_codes import LoginErrorCode
from yibao.accounts.models import User
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.masking import mask_phone

INVALID_MESSAGE = "账号或密码错误"
# Checked against when no account matches, so that both answers take the same time.
_DUMMY_HASH = make_password("yibao-timing-equaliser")


def user_lock_key(user: User) -> str:
    return f"user:{user.pk}"


def typed_lock_key(kind: str, identifier: str) -> str:
    """For identifiers that match nobody: counted, but never stored in clear."""
    digest = hashlib.sha256(f"{kind}|{identifier.strip().upper()}".encode()).hexdigest()[:40]
    return f"typed:{digest}"


def identifier_for_audit(identifier: str) -> str:
    return mask_phone(identifier) if identifier.isdigit() else identifier[:40]


def login_password_check(
    *, user: User | None, kind: str, identifier: str, password: str, origin: RequestOrigin
) -> User:
    """Return `user` (found by `identifier`, None when nobody matched) if `password` is theirs and
    they may log in; otherwise raise ApplicationError and count the failure."""
    key = user_lock_key(user) if user is not None else typed_lock_key(kind, identifier)
    shown = {"account": identifier_for_audit(identifier), "kind": str(kind)}
    locked = lockout.account_locked_seconds(key)
    if locked:
        audit_event_record(actor=user, action="login_refused_locked", after=shown, origin=origin)
        raise ApplicationError(LoginErrorCode.LOCKED, lockout.lock_message(locked))
    if lockout.address_limited(origin.ip_address):
        audit_event_record(actor=user, action="login_refused_address", after=shown, origin=origin)
        raise ApplicationError(LoginErrorCode.IP_LIMITED, "登录失败次数过多，请稍后再试")

    lockout.login_failure_record(account_key=key, ip_address=origin.ip_address)
    if user is None:
        check_password(password, _DUMMY_HASH)
        valid = False
    else:
        valid = user.check_password(password) and user.is_active
    if not valid:
        audit_event_record(actor=user, action="login_failed", after=shown, origin=origin)
        now_locked = lockout.account_locked_seconds(key)
        if now_locked:
            audit_event_record(actor=user, action="account_locked", after=shown, origin=origin)
            raise ApplicationError(LoginErrorCode.LOCKED, lockout.lock_message(now_locked))
        raise ApplicationError(LoginErrorCode.INVALID, lockout.failure_message(INVALID_MESSAGE, key))
    assert user is not None  # noqa: S101 - valid implies a user
    lockout.login_failures_clear(account_key=key)
    return user
