"""The national instance's answers to provincial halls (`entry/api.py` serves them, signed): the
check of a unit or operator login and whether a USCC is registered here. The provincial side, which
asks, is `national_accounts`. The national lockout counts every check, per account and per the end
user's address, which the call carries."""

from __future__ import annotations

from typing import Any

from yibao.accounts.error_codes import LoginErrorCode
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.entry.authentication import LoginKind, login_authenticate
from yibao.operators.models import Binding, Operator
from yibao.units.models import Unit
from yibao.units.services import unit_federation_fields


def _operator_fields(operator: Operator) -> dict[str, Any]:
    return {
        "mobile": operator.mobile,
        "name": operator.name,
        "cert_type": operator.cert_type,
        "cert_no": operator.cert_no,
        "valid_from": operator.cert_valid_from.isoformat() if operator.cert_valid_from else None,
        "valid_to": operator.cert_valid_to.isoformat() if operator.cert_valid_to else None,
    }


def _unit_fields(unit: Unit) -> dict[str, Any]:
    return {**unit_federation_fields(unit), "account": unit.account.get_username() if unit.account else ""}


def national_account_answer(
    *, kind: str, identifier: str, password: str, client_ip: str | None, source: str
) -> dict[str, Any]:
    """The national instance's answer to a provincial hall asking about a login: for a unit
    account its unit, admin account and operators, for an operator its details and units, when
    the password is right; else the refusal (counted against the account and the end user's
    address like a login here)."""

    origin = RequestOrigin(ip_address=client_ip or None, user_agent=f"federation:{source}"[:300])
    try:
        login_kind = LoginKind(kind)
        user = login_authenticate(kind=login_kind, identifier=identifier, password=password, origin=origin)
    except ValueError:
        return {"ok": False, "code": "federation.kind", "message": "请求内容无法识别"}
    except ApplicationError as error:
        return {"ok": False, "code": str(error.code), "message": error.message}
    if login_kind is LoginKind.OPERATOR:
        bindings = (
            Binding.objects.filter(operator__user=user, status=Binding.Status.ACTIVE)
            .select_related("operator", "unit__account")
            .order_by("pk")
        )
        operator = Operator.objects.filter(user=user).first()
        if operator is None:
            return {"ok": False, "code": str(LoginErrorCode.INVALID), "message": "账号或密码错误"}
        audit_event_record(
            actor=user, action="federation_account_verified", after={"source": source[:40]}, origin=origin
        )
        return {
            "ok": True,
            "operator": _operator_fields(operator),
            "units": [_unit_fields(b.unit) for b in bindings if b.unit.account_id],
        }
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
        "operators": [_operator_fields(b.operator) for b in bindings.order_by("pk")],
    }


def national_uscc_answer(*, uscc: str) -> dict[str, Any]:
    """The national instance's answer: whether a unit account is registered for the USCC."""
    return {"ok": True, "registered": Unit.objects.filter(uscc=uscc.upper(), account__isnull=False).exists()}
