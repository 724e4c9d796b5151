"""找回密码: prove who you are with details the agency holds and an SMS code, set a new password.

Three ways, as in the manuals: a unit by its USCC (Yunnan 000 §1.1), a unit by its account
(Beijing 002 §五), an operator by mobile (Yunnan 000 §1.3.4). Wrong details get one generic
answer and count against a limit per identity and per address (the login lockout's tables).
The result names the account; a password is never shown (we cannot: only hashes are stored).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction

from yibao.accounts import lockout
from yibao.accounts.models import SmsPurpose, User
from yibao.accounts.services import user_password_recover
from yibao.accounts.sms_dispatch import sms_dispatch
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.masking import mask_phone
from yibao.entry.error_codes import RecoveryErrorCode
from yibao.operators.models import Binding, Operator
from yibao.units.models import Unit

MISMATCH_MESSAGE = "填写的信息与系统登记的信息不一致，请核对后重新输入"


@dataclass(frozen=True)
class Claimant:
    """Whose password changes, and the phone that receives the code."""

    user: User
    phone: str
    account_label: str  # what the result page shows as the account
    # Told once the password is set, when the code went to a phone other than this one.
    notify_phone: str = ""


def _bound_operator(unit: Unit, mobile: str, name: str) -> Operator | None:
    return Operator.objects.filter(
        mobile=mobile, name=name, bindings__unit=unit, bindings__status=Binding.Status.ACTIVE
    ).first()


def resolve_unit_by_uscc(data: dict[str, Any]) -> Claimant | None:
    unit = Unit.objects.filter(uscc=data["uscc"], account__isnull=False).select_related("account").first()
    if unit is None or unit.account is None:
        return None
    if (unit.name, unit.legal_rep_name, unit.legal_rep_cert_type, unit.legal_rep_cert_no) != (
        data["unit_name"].strip(),
        data["legal_rep_name"].strip(),
        data["legal_rep_cert_type"],
        data["legal_rep_cert_no"],
    ):
        return None
    if data["verifier"] == "legal_rep":
        # The legal representative's details vouch for the request; the code goes to the phone
        # typed, which may be the person's own (a new operator, Yunnan 000 §1.1: «此处的经办人
        # 手机号可以填写本人（新经办人）的手机号»). Holding that phone is proven by the code; the
        # legal representative's phone on record is told afterwards, so a reset cannot go unseen.
        if data["verifier_name"].strip() != unit.legal_rep_name or not data.get("mobile"):
            return None
        phone = data["mobile"]
        notify = unit.legal_rep_mobile if unit.legal_rep_mobile and unit.legal_rep_mobile != phone else ""
        return Claimant(unit.account, phone, unit.account.get_username(), notify_phone=notify)
    operator = _bound_operator(unit, data.get("mobile") or "", data["verifier_name"].strip())
    if operator is None:
        return None
    return Claimant(unit.account, operator.mobile, unit.account.get_username())


def resolve_unit_by_account(data: dict[str, Any]) -> Claimant | None:
    unit = (
        Unit.objects.filter(account__username=data["account"], uscc=data["uscc"])
        .select_related("account")
        .first()
    )
    if unit is None or unit.account is None:
        return None
    operator = _bound_operator(unit, data["mobile"], data["operator_name"].strip())
    if operator is None:
        return None
    return Claimant(unit.account, operator.mobile, unit.account.get_username())


def resolve_operator(data: dict[str, Any]) -> Claimant | None:
    operator = (
        Operator.objects.filter(mobile=data["mobile"], cert_no=data["cert_no"]).select_related("user").first()
    )
    if operator is None:
        return None
    return Claimant(operator.user, operator.mobile, operator.mobile)


def recovery_guard(*, key: str, origin: RequestOrigin) -> None:
    """Refuse while this identity or this address has failed too often."""
    locked = lockout.account_locked_seconds(key)
    if locked:
        raise ApplicationError(RecoveryErrorCode.LIMITED, _limited_message(locked))
    if lockout.address_limited(origin.ip_address):
        raise ApplicationError(RecoveryErrorCode.LIMITED, "验证失败次数过多，请稍后再试")


def recovery_mismatch(*, key: str, origin: RequestOrigin) -> ApplicationError:
    lockout.login_failure_record(account_key=key, ip_address=origin.ip_address)
    audit_event_record(actor=None, action="password_recovery_failed", after={"key": key}, origin=origin)
    locked = lockout.account_locked_seconds(key)
    if locked:
        return ApplicationError(RecoveryErrorCode.LIMITED, _limited_message(locked))
    left = lockout.attempts_left(key)
    return ApplicationError(RecoveryErrorCode.MISMATCH, f"{MISMATCH_MESSAGE}（还可尝试{left}次）")


def _limited_message(seconds: int) -> str:
    return f"验证失败次数过多，请{max(1, (seconds + 59) // 60)}分钟后再试"


def password_recover(*, claimant: Claimant, new_password: str, key: str, origin: RequestOrigin) -> None:
    """Set the new password (the SMS code has been checked) and lift any login lockout; tell the
    phone on record when the code went elsewhere (the notice is queued with the change)."""
    with transaction.atomic():
        user_password_recover(
            user=claimant.user, password_hash=make_password(new_password), lock_key=key, origin=origin
        )
        if claimant.notify_phone:
            audit_event_record(
                actor=claimant.user,
                action="password_recovery_notified",
                after={
                    "verified_phone": mask_phone(claimant.phone),
                    "notified": mask_phone(claimant.notify_phone),
                },
                origin=origin,
            )
            text = RESET_NOTICE.format(account=claimant.account_label, phone=mask_phone(claimant.phone))
            sms_dispatch(phone=claimant.notify_phone, text=text, purpose=SmsPurpose.RECOVER_UNIT)


RESET_NOTICE = (
    "【医保服务平台】单位账号{account}的登录密码已通过“找回密码”重置，接收验证码的手机号为{phone}。"
    "如非本单位授权的操作，请立即联系当地医保经办机构。"
)
