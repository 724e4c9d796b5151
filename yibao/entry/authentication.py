"""Login of unit admins (unit account or USCC + password) and operators (mobile + password),
and the operator's choice of the unit to act for.

The password check, its lockout counting and its audit events are accounts' part
(`yibao.accounts.authentication.login_password_check`); here the typed identifier finds the user.
"""

from __future__ import annotations

import re
from enum import StrEnum

from django.db.models import Q

from yibao.accounts.authentication import login_password_check
from yibao.accounts.models import User
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.core.profiles import get_profile
from yibao.core.validators._text import to_halfwidth
from yibao.entry.error_codes import UnitChoiceErrorCode
from yibao.entry.national_accounts import national_login
from yibao.operators.models import Binding, Operator
from yibao.units.models import Unit


class LoginKind(StrEnum):
    UNIT = "unit"
    OPERATOR = "operator"


_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LETTER = re.compile(r"[A-Za-z]")


def login_kind_by_shape(identifier: str) -> LoginKind | None:
    """Which kind of account an identifier is by its shape alone (never by who exists): a mobile
    number is an operator's (单位注册 refuses unit accounts that look like one), anything with a
    letter a unit's (unit account or USCC); None when the shape does not tell (other digits)."""
    typed = to_halfwidth(identifier).strip()
    if _MOBILE.fullmatch(typed):
        return LoginKind.OPERATOR
    if _LETTER.search(typed):
        return LoginKind.UNIT
    return None


def login_kind_combined(identifier: str) -> LoginKind:
    """The one login box «单位账号/经办人账号» (combined_login profiles): a mobile number logs an
    operator in, anything else a unit admin."""
    return LoginKind.OPERATOR if login_kind_by_shape(identifier) is LoginKind.OPERATOR else LoginKind.UNIT


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
    identifier = to_halfwidth(identifier).strip()
    user = _find_unit_admin(identifier) if kind is LoginKind.UNIT else _find_operator(identifier)
    if user is None or not user.has_usable_password():
        # An account of the national platform not known here yet, or copied here without its
        # password (Yunnan manual 001 FAQ 2.1; Beijing manual 002 FAQ 6: «登录同步至地方网厅»).
        synced = national_login(
            kind=kind, identifier=identifier, password=password, local=user, origin=origin
        )
        if synced is not None:
            return synced
    return login_password_check(user=user, kind=kind, identifier=identifier, password=password, origin=origin)


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
        raise ApplicationError(UnitChoiceErrorCode.UNIT_NOT_BOUND, "请选择您已绑定的单位")
    return unit


def operator_of(user: User) -> Operator | None:
    return Operator.objects.filter(user=user).first()
