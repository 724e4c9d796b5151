"""One account across the national and provincial halls (Yunnan manual 001 FAQ 2.1: «无需注册，
直接用国家注册的账号密码在云南网厅登录即可»).

A provincial hall (YIBAO_NATIONAL_URL set) that does not know an account typed at its login (a
unit account or an operator's mobile) asks the national instance to check it (`national_call`:
signed both ways, over TLS in production). On success it creates the unit, its admin, its
operators and their bindings here from the national answer, and from then on the login is local.
The same code answers those calls as the national instance (`national_answers`, behind the
signed API), with its own lockout: the end user's address is passed along so the national limits
apply per person, not per hall.

The password goes to the national instance inside the signed request only; the national side
never sends its hash, and this hall stores its own argon2 hash of what the user typed here.
Accounts copied here by the other kind's login get no password; their own first login asks the
national instance too (or they set one through 忘记密码, by an SMS code to their mobile).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, IntegrityError, transaction

from yibao.accounts import lockout
from yibao.accounts.authentication import typed_lock_key, user_lock_key
from yibao.accounts.error_codes import LoginErrorCode
from yibao.accounts.models import User
from yibao.accounts.services import user_create, user_password_set
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.models import Division
from yibao.entry.error_codes import NationalLoginErrorCode
from yibao.federation.calls import NationalUnavailable, national_call
from yibao.federation.outbox import federation_enabled
from yibao.operators.models import Binding, Operator
from yibao.operators.selectors import operator_for_mobile
from yibao.operators.services import NewOperator, binding_activate, operator_open
from yibao.units.models import Unit
from yibao.units.services import unit_adopt

VERIFY_PATH = "/api/internal/federation/verify-account/"
REGISTERED_PATH = "/api/internal/federation/unit-registered/"
UNAVAILABLE_MESSAGE = "暂时无法连接国家医保服务平台核验该账号，请稍后再试"
REGISTERED_HERE_MESSAGE = "该单位已在本平台注册，请使用本平台的单位账号登录"
CONFLICT_MESSAGE = "该账号与本平台已有账号重名，请联系医保经办机构处理"


# --- the provincial side -------------------------------------------------------------------------


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _same_person(operator: Operator, item: dict[str, Any]) -> bool:
    """A mobile number can change hands: the operator here is the national one only when their
    ID numbers agree (where both are known)."""
    theirs = str(item.get("cert_no") or "").upper()
    return not theirs or not operator.cert_no or operator.cert_no.upper() == theirs


def _operator_here(item: dict[str, Any], *, password_hash: str) -> tuple[Operator | None, bool]:
    """The operator with this mobile here (None when it is another person), or one opened from
    the national details (True)."""
    operator = operator_for_mobile(str(item["mobile"]))
    if operator is not None:
        return (operator if _same_person(operator, item) else None), False
    opened = operator_open(
        mobile=str(item["mobile"]),
        new=NewOperator(
            name=str(item["name"]),
            cert_type=str(item.get("cert_type") or "01"),
            cert_no=str(item.get("cert_no") or ""),
            valid_from=_date(item.get("valid_from")),
            valid_to=_date(item.get("valid_to")),
        ),
        password_hash=password_hash,
        must_change_password=False,
    )
    return opened, True


def _bind(*, unit: Unit, operator: Operator, actor: User, origin: RequestOrigin, opened: bool) -> None:
    if not Binding.objects.filter(unit=unit, operator=operator, status=Binding.Status.ACTIVE).exists():
        binding_activate(
            unit=unit, operator=operator, actor=actor, origin=origin, new_account=opened, from_national=True
        )


def _unit_here(
    fields: dict[str, Any], *, account: str, password_hash: str, origin: RequestOrigin
) -> Unit | None:
    """The registered unit with this USCC here, or one created from the national details with its
    admin account (whose password is `password_hash`: unusable when an operator brought the unit,
    so that the admin's first login here asks the national instance). None when the USCC or the
    account name is taken here by another registration: that unit keeps its own account."""
    local = Unit.objects.filter(uscc=fields["uscc"], account__isnull=False).select_related("account").first()
    if local is not None:
        return local if local.account is not None and local.account.get_username() == account else None
    if (
        User.objects.filter(username=account).exists()
        or not Division.objects.filter(code=fields.get("admdvs")).exists()
    ):
        return None
    admin = user_create(username=account, password_hash=password_hash, kind=User.Kind.UNIT)
    return unit_adopt(account=admin, fields=fields, origin=origin)


def _adopt_unit_account(
    *, answer: dict[str, Any], password: str, local: User | None, origin: RequestOrigin
) -> User:
    fields = answer["unit"]
    if local is not None:  # brought here by one of its operators: the admin's own password now
        held = Unit.objects.filter(account=local).first()
        if held is None or held.uscc != fields["uscc"]:  # another unit's account of the same name
            raise ApplicationError(NationalLoginErrorCode.CONFLICT, CONFLICT_MESSAGE)
        user_password_set(user=local, password_hash=make_password(password), must_change_password=False)
        audit_event_record(actor=local, action="account_synced_from_national", target=local, origin=origin)
        return local
    if Unit.objects.filter(uscc=fields["uscc"], account__isnull=False).exists():
        raise ApplicationError(NationalLoginErrorCode.REGISTERED_HERE, REGISTERED_HERE_MESSAGE)
    if not Division.objects.filter(code=fields.get("admdvs")).exists():
        raise ApplicationError(NationalLoginErrorCode.UNAVAILABLE, UNAVAILABLE_MESSAGE)
    unit = _unit_here(
        fields, account=str(answer["account"]), password_hash=make_password(password), origin=origin
    )
    if unit is None or unit.account is None:
        raise ApplicationError(NationalLoginErrorCode.CONFLICT, CONFLICT_MESSAGE)
    for item in answer.get("operators") or []:
        # Operators met here for the first time get no password: they set one by 忘记密码, or log
        # in once with their national password, which brings it here.
        operator, opened = _operator_here(item, password_hash=make_password(None))
        if operator is not None:
            _bind(unit=unit, operator=operator, actor=unit.account, origin=origin, opened=opened)
    return unit.account


def _adopt_operator(
    *, answer: dict[str, Any], password: str, local: User | None, origin: RequestOrigin
) -> User:
    item = answer["operator"]
    password_hash = make_password(password)
    if local is not None:
        operator = Operator.objects.get(user=local)
        if not _same_person(operator, item):
            raise ApplicationError(NationalLoginErrorCode.CONFLICT, CONFLICT_MESSAGE)
        user_password_set(user=local, password_hash=password_hash, must_change_password=False)
        opened = False
    else:
        found, opened = _operator_here(item, password_hash=password_hash)
        if found is None:
            raise ApplicationError(NationalLoginErrorCode.CONFLICT, CONFLICT_MESSAGE)
        operator = found
    for fields in answer.get("units") or []:
        # A unit met here for the first time: its admin logs in with the national password later.
        unit = _unit_here(
            fields, account=str(fields.get("account") or ""), password_hash=make_password(None), origin=origin
        )
        if unit is not None and unit.account is not None:
            _bind(unit=unit, operator=operator, actor=unit.account, origin=origin, opened=opened)
            opened = False
    audit_event_record(
        actor=operator.user, action="account_synced_from_national", target=operator.user, origin=origin
    )
    return operator.user


def national_login(
    *, kind: str, identifier: str, password: str, local: User | None, origin: RequestOrigin
) -> User | None:
    """The user a national account becomes here (a unit admin or an operator, created or brought
    up to date with what the national instance holds), or None when the national instance says
    the credentials are wrong (the caller then counts the failure as for any unknown account).
    Asked for accounts unknown here and for those copied here without a password; not asked while
    this hall's own lockout holds the account or the address."""
    if not federation_enabled():
        return None
    key = user_lock_key(local) if local is not None else typed_lock_key(kind, identifier)
    if lockout.account_locked_seconds(key) or lockout.address_limited(origin.ip_address):
        return None
    try:
        answer = national_call(
            VERIFY_PATH,
            {"kind": kind, "identifier": identifier, "password": password, "client_ip": origin.ip_address},
        )
    except NationalUnavailable as error:
        audit_event_record(
            actor=None,
            action="federation_verify_unavailable",
            after={"reason": str(error)[:200]},
            origin=origin,
        )
        raise ApplicationError(NationalLoginErrorCode.UNAVAILABLE, UNAVAILABLE_MESSAGE) from None
    if answer.get("ok") is not True:
        if answer.get("code") == str(LoginErrorCode.LOCKED):
            raise ApplicationError(
                LoginErrorCode.LOCKED, str(answer.get("message") or "账号已锁定，请稍后再试")
            )
        return None
    adopt = _adopt_operator if kind == "operator" else _adopt_unit_account
    try:
        with transaction.atomic():
            user = adopt(answer=answer, password=password, local=local, origin=origin)
    except IntegrityError:  # a name taken meanwhile, e.g. by a second first login at once
        raise ApplicationError(NationalLoginErrorCode.CONFLICT, CONFLICT_MESSAGE) from None
    except (KeyError, TypeError, ValueError, Operator.DoesNotExist, DatabaseError):  # not storable here
        audit_event_record(
            actor=None,
            action="federation_verify_unavailable",
            after={"reason": "malformed answer"},
            origin=origin,
        )
        raise ApplicationError(NationalLoginErrorCode.UNAVAILABLE, UNAVAILABLE_MESSAGE) from None
    lockout.login_failures_clear(account_key=key)
    return user


# --- is the USCC registered at the national hall? ------------------------------------------------


def uscc_registered_nationally(uscc: str) -> bool:
    """Whether the national hall has a unit account for the USCC (Yunnan manual 001 FAQ 2.1: such
    a unit does not register here, it logs in with that account). While the national hall cannot
    be asked, registration goes on here (audited): the outbox tells the national hall later."""
    if not federation_enabled():
        return False
    try:
        answer = national_call(REGISTERED_PATH, {"uscc": uscc})
    except NationalUnavailable as error:
        audit_event_record(
            actor=None,
            action="federation_verify_unavailable",
            after={"reason": str(error)[:200], "check": "uscc"},
        )
        return False
    return answer.get("registered") is True
