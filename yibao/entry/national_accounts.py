"""One account across the national and provincial halls (Yunnan manual 001 FAQ 2.1: «无需注册，
直接用国家注册的账号密码在云南网厅登录即可»).

A provincial hall (YIBAO_NATIONAL_URL set) that does not know a unit account typed at its login
asks the national instance to check it (`national_call`: signed both ways, over TLS in
production). On success it creates the unit, its admin and the bindings of its operators here
from the national answer, and from then on the login is local. The same code answers those calls
as the national instance (`national_unit_answer`, behind the signed API), with its own lockout:
the end user's address is passed along so the national limits apply per person, not per hall.

The password goes to the national instance inside the signed request only; the national side
never sends its hash, and this hall stores its own argon2 hash of what the user typed here.
Operators copied from the national answer get no password here (they set one through 忘记密码,
by an SMS code to their mobile).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction

from yibao.accounts import lockout
from yibao.accounts.authentication import typed_lock_key
from yibao.accounts.error_codes import LoginErrorCode
from yibao.accounts.models import User
from yibao.accounts.services import user_create
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.models import Division
from yibao.entry.error_codes import NationalLoginErrorCode
from yibao.federation.calls import NationalUnavailable, national_call
from yibao.federation.outbox import federation_enabled
from yibao.operators.models import Binding
from yibao.operators.selectors import operator_for_mobile
from yibao.operators.services import NewOperator, binding_activate, operator_open
from yibao.units.models import Unit
from yibao.units.services import unit_adopt, unit_federation_fields

VERIFY_PATH = "/api/internal/federation/verify-unit/"
UNAVAILABLE_MESSAGE = "暂时无法连接国家医保服务平台核验该账号，请稍后再试"
REGISTERED_HERE_MESSAGE = "该单位已在本平台注册，请使用本平台的单位账号登录"
CONFLICT_MESSAGE = "该账号与本平台已有账号重名，请联系医保经办机构处理"


# --- the national side ---------------------------------------------------------------------------


def _operator_fields(binding: Binding) -> dict[str, Any]:
    operator = binding.operator
    return {
        "mobile": operator.mobile,
        "name": operator.name,
        "cert_type": operator.cert_type,
        "cert_no": operator.cert_no,
        "valid_from": operator.cert_valid_from.isoformat() if operator.cert_valid_from else None,
        "valid_to": operator.cert_valid_to.isoformat() if operator.cert_valid_to else None,
    }


def national_unit_answer(
    *, identifier: str, password: str, client_ip: str | None, source: str
) -> dict[str, Any]:
    """The national instance's answer to a provincial hall asking about a unit login: the unit, its
    admin's account and its operators when the password is right, else the refusal (counted
    against the account and the end user's address like a login here)."""
    from yibao.entry.authentication import LoginKind, login_authenticate

    origin = RequestOrigin(ip_address=client_ip or None, user_agent=f"federation:{source}"[:300])
    try:
        user = login_authenticate(
            kind=LoginKind.UNIT, identifier=identifier, password=password, origin=origin
        )
    except ApplicationError as error:
        return {"ok": False, "code": str(error.code), "message": error.message}
    unit = Unit.objects.filter(account=user).first()
    if unit is None:
        return {"ok": False, "code": str(LoginErrorCode.INVALID), "message": "账号或密码错误"}
    bindings = Binding.objects.filter(unit=unit, status=Binding.Status.ACTIVE).select_related("operator")
    audit_event_record(
        actor=user,
        action="federation_account_verified",
        unit=unit,
        after={"source": source[:40]},
        origin=origin,
    )
    return {
        "ok": True,
        "account": user.get_username(),
        "unit": unit_federation_fields(unit),
        "operators": [_operator_fields(b) for b in bindings.order_by("pk")],
    }


# --- the provincial side -------------------------------------------------------------------------


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _adopt(*, answer: dict[str, Any], password: str, origin: RequestOrigin) -> User:
    fields = answer["unit"]
    username = str(answer["account"])
    if Unit.objects.filter(uscc=fields["uscc"], account__isnull=False).exists():
        raise ApplicationError(NationalLoginErrorCode.REGISTERED_HERE, REGISTERED_HERE_MESSAGE)
    if not Division.objects.filter(code=fields.get("admdvs")).exists():
        raise ApplicationError(NationalLoginErrorCode.UNAVAILABLE, UNAVAILABLE_MESSAGE)
    try:
        with transaction.atomic():
            admin = user_create(username=username, password_hash=make_password(password), kind=User.Kind.UNIT)
            unit = unit_adopt(account=admin, fields=fields, origin=origin)
            for item in answer.get("operators") or []:
                operator = operator_for_mobile(str(item["mobile"]))
                opened = operator is None
                if operator is None:
                    operator = operator_open(
                        mobile=str(item["mobile"]),
                        new=NewOperator(
                            name=str(item["name"]),
                            cert_type=str(item.get("cert_type") or "01"),
                            cert_no=str(item.get("cert_no") or ""),
                            valid_from=_date(item.get("valid_from")),
                            valid_to=_date(item.get("valid_to")),
                        ),
                        password_hash=make_password(None),  # unusable: set through 忘记密码
                        must_change_password=True,
                    )
                binding_activate(
                    unit=unit,
                    operator=operator,
                    actor=admin,
                    origin=origin,
                    new_account=opened,
                    from_national=True,
                )
    except IntegrityError:
        raise ApplicationError(NationalLoginErrorCode.CONFLICT, CONFLICT_MESSAGE) from None
    return admin


def national_unit_login(*, identifier: str, password: str, origin: RequestOrigin) -> User | None:
    """The unit admin a national account becomes here, or None when the national instance says the
    credentials are wrong (the caller then counts the failure as for any unknown account). Not
    asked while this hall's own lockout holds the account or the address."""
    if not federation_enabled():
        return None
    if lockout.account_locked_seconds(typed_lock_key("unit", identifier)) or lockout.address_limited(
        origin.ip_address
    ):
        return None
    try:
        answer = national_call(
            VERIFY_PATH, {"identifier": identifier, "password": password, "client_ip": origin.ip_address}
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
    try:
        return _adopt(answer=answer, password=password, origin=origin)
    except (KeyError, TypeError, ValueError):
        audit_event_record(
            actor=None,
            action="federation_verify_unavailable",
            after={"reason": "malformed answer"},
            origin=origin,
        )
        raise ApplicationError(NationalLoginErrorCode.UNAVAILABLE, UNAVAILABLE_MESSAGE) from None
