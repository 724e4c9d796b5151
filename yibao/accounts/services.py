"""Writes of login accounts: opening one, and setting its password.

`user_create` and `user_password_set` are the parts other apps' services build on (单位注册, a unit
admin adding or resetting an operator); those services record the audit event of the whole
change. A user changing or recovering their own password is recorded here.
"""

from __future__ import annotations

from django.db import transaction

from yibao.accounts import lockout
from yibao.accounts.authentication import user_lock_key
from yibao.accounts.models import User
from yibao.core.audit import RequestOrigin, audit_event_record


def user_create(
    *, username: str, password_hash: str, kind: str, first_name: str = "", must_change_password: bool = False
) -> User:
    """A new login account with a password hashed by the caller (it never passes here in clear)."""
    return User.objects.create(
        username=username,
        password=password_hash,
        kind=kind,
        first_name=first_name,
        must_change_password=must_change_password,
    )


def user_password_set(*, user: User, password_hash: str, must_change_password: bool) -> None:
    """Store a new password hash; with `must_change_password` the user changes it at next login."""
    user.password = password_hash
    user.must_change_password = must_change_password
    user.save(update_fields=["password", "must_change_password"])


def user_password_change(*, user: User, password_hash: str, origin: RequestOrigin) -> None:
    """The user's own new password (identity and SMS code already checked); it no longer must change."""
    with transaction.atomic():
        user_password_set(user=user, password_hash=password_hash, must_change_password=False)
        audit_event_record(actor=user, action="password_changed", target=user, origin=origin)


def user_password_recover(*, user: User, password_hash: str, lock_key: str, origin: RequestOrigin) -> None:
    """找回密码: the new password (details and SMS code already checked). The failures counted
    under `lock_key` (the recovery's) and the user's login lockout are lifted."""
    with transaction.atomic():
        user_password_set(user=user, password_hash=password_hash, must_change_password=False)
        lockout.login_failures_clear(account_key=lock_key)
        lockout.login_failures_clear(account_key=user_lock_key(user))
        audit_event_record(actor=user, action="password_recovered", target=user, origin=origin)
