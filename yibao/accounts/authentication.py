"""Login of unit admins (unit account or USCC + password) and operators (mobile + password).

The answer for a wrong password and an unknown account is the same; failures count towards the
lockout of the account key whether or not the account exists, so the lockout reveals nothing.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.hashers import check_password, make_password
from django.db.models import Q

from yibao.accounts import lockout
from yibao.accounts.error_codes import LoginErrorCode
from yibao.accounts.models import User
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.profiles import get_profile
from yibao.operators.models import Binding, Operator
from yibao.units.models import Unit

INVALID_MESSAGE = "账号或密码错误，请重新输入"
# Checked against when no account matches, so that both answers take the same time.
_DUMMY_HASH = make_password("yibao-timing-equaliser")


class LoginKind(StrEnum):
    UNIT = "unit"
    OPERATOR = "operator"


def _find_unit_admin(identifier: str) -> User | None:
    lookup = Q(username=identifier)
    if get_profile().uscc_login and len(identifier) == 18:
        unit_account = (
            Unit.objects.filter(uscc=identifier.upper()).values_list("account_id", flat=True).first()
        )
        if unit_account is not None:
            lookup |= Q(pk=unit_account)
    return User.objects.filter(lookup, kind=User.Kind.UNIT).first()


def _find_operator(mobile: str) -> User | None:
    return User.objects.filter(username=mobile, kind=User.Kind.OPERATOR).first()


def login_authenticate(*, kind: LoginKind, identifier: str, password: str, origin: RequestOrigin) -> User:
    """Return the user the credentials belong to, or raise ApplicationError (and count it)."""
    identifier = identifier.strip()
    account_key = f"{kind}:{identifier.upper()}"
    locked = lockout.account_locked_seconds(account_key)
    if locked:
        audit_event_record(
            actor=None, action="login_refused_locked", after={"account": identifier}, origin=origin
        )
        raise ApplicationError(LoginErrorCode.LOCKED, lockout.lock_message(locked))
    if lockout.address_limited(origin.ip_address):
        audit_event_record(
            actor=None, action="login_refused_address", after={"account": identifier}, origin=origin
        )
        raise ApplicationError(LoginErrorCode.IP_LIMITED, "登录失败次数过多，请稍后再试")

    user = _find_unit_admin(identifier) if kind is LoginKind.UNIT else _find_operator(identifier)
    if user is None:
        check_password(password, _DUMMY_HASH)
    if user is None or not (user.is_active and user.check_password(password)):
        lockout.login_failure_record(account_key=account_key, ip_address=origin.ip_address)
        audit_event_record(
            actor=user, action="login_failed", after={"account": identifier, "kind": kind}, origin=origin
        )
        now_locked = lockout.account_locked_seconds(account_key)
        if now_locked:
            audit_event_record(
                actor=user, action="account_locked", after={"account": identifier}, origin=origin
            )
            raise ApplicationError(LoginErrorCode.LOCKED, lockout.lock_message(now_locked))
        raise ApplicationError(LoginErrorCode.INVALID, INVALID_MESSAGE)
    lockout.login_failures_clear(account_key=account_key)
    return user


def operator_units(user: User) -> list[Unit]:
    """The units an operator may act for, in a stable order."""
    return list(
        Unit.objects.filter(bindings__operator__user=user, bindings__status=Binding.Status.ACTIVE).order_by(
            "name", "pk"
        )
    )


def operator_unit_choose(*, user: User, unit_id: int) -> Unit:
    """Check that the operator is bound to the unit; 404-like refusal otherwise."""
    unit = next((u for u in operator_units(user) if u.pk == unit_id), None)
    if unit is None:
        raise ApplicationError(LoginErrorCode.UNIT_NOT_BOUND, "请选择您已绑定的单位")
    return unit


def operator_of(user: User) -> Operator | None:
    return Operator.objects.filter(user=user).first()
