"""Login of unit admins (unit account or USCC + password) and operators (mobile + password).

The answer for a wrong password and an unknown account is the same. Failures are counted per
user (whichever identifier was typed: account or USCC), and for identifiers that match nobody
per hashed identifier, so the lockout reveals nothing. The attempt is recorded before the
password is checked, so parallel guesses cannot slip past the limit.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum

from django.contrib.auth.hashers import check_password, make_password
from django.db.models import Q

from yibao.accounts import lockout
from yibao.accounts.error_codes import LoginErrorCode
from yibao.accounts.models import User
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.masking import mask_phone
from yibao.core.profiles import get_profile
from yibao.operators.models import Binding, Operator
from yibao.units.models import Unit

INVALID_MESSAGE = "账号或密码错误，请重新输入"
# Checked against when no account matches, so that both answers take the same time.
_DUMMY_HASH = make_password("yibao-timing-equaliser")


class LoginKind(StrEnum):
    UNIT = "unit"
    OPERATOR = "operator"


def user_lock_key(user: User) -> str:
    return f"user:{user.pk}"


def typed_lock_key(kind: str, identifier: str) -> str:
    """For identifiers that match nobody: counted, but never stored in clear."""
    digest = hashlib.sha256(f"{kind}|{identifier.strip().upper()}".encode()).hexdigest()[:40]
    return f"typed:{digest}"


def identifier_for_audit(identifier: str) -> str:
    return mask_phone(identifier) if identifier.isdigit() else identifier[:40]


def _find_unit_admin(identifier: str) -> User | None:
    lookup = Q(username=identifier)
    if get_profile().uscc_login and len(identifier) == 18:
        unit_account = (
            Unit.objects.filter(uscc=identifier.upper(), account__isnull=False)
            .values_list("account_id", flat=True)
            .first()
        )
        if unit_account is not None:
            lookup |= Q(pk=unit_account)
    return User.objects.filter(lookup, kind=User.Kind.UNIT).first()


def _find_operator(mobile: str) -> User | None:
    return User.objects.filter(username=mobile, kind=User.Kind.OPERATOR).first()


def login_authenticate(*, kind: LoginKind, identifier: str, password: str, origin: RequestOrigin) -> User:
    """Return the user the credentials belong to, or raise ApplicationError (and count it)."""
    identifier = identifier.strip()
    user = _find_unit_admin(identifier) if kind is LoginKind.UNIT else _find_operator(identifier)
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
        raise ApplicationError(LoginErrorCode.INVALID, INVALID_MESSAGE)
    assert user is not None  # noqa: S101 - valid implies a user
    lockout.login_failures_clear(account_key=key)
    return user


def operator_units(user: User) -> list[Unit]:
    """The units an operator may act for, in a stable order."""
    return list(
        Unit.objects.filter(bindings__operator__user=user, bindings__status=Binding.Status.ACTIVE).order_by(
            "name", "pk"
        )
    )


def operator_unit_choose(*, user: User, unit_id: int) -> Unit:
    """Check that the operator is bound to the unit; refuse otherwise."""
    unit = next((u for u in operator_units(user) if u.pk == unit_id), None)
    if unit is None:
        raise ApplicationError(LoginErrorCode.UNIT_NOT_BOUND, "请选择您已绑定的单位")
    return unit


def operator_of(user: User) -> Operator | None:
    return Operator.objects.filter(user=user).first()
