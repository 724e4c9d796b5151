"""个人中心 → 账户管理 of an operator: 更换密码, 更换邮箱, 个人地址."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction

from yibao.accounts.models import User
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.entry.error_codes import SelfServiceErrorCode
from yibao.operators.models import Operator


def operator_password_check_identity(*, operator: Operator, cert_no: str) -> None:
    if operator.cert_no.upper() != cert_no.strip().upper():
        raise ApplicationError(
            SelfServiceErrorCode.CERT_MISMATCH, "证件号码与经办人登记的信息不一致", field="cert_no"
        )


def operator_password_change(*, operator: Operator, password_hash: str, origin: RequestOrigin) -> None:
    """Set the new password (identity and SMS code already checked); it no longer must change."""
    user: User = operator.user
    with transaction.atomic():
        user.password = password_hash
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        audit_event_record(actor=user, action="password_changed", target=user, origin=origin)


def operator_email_change(*, operator: Operator, email: str, origin: RequestOrigin) -> None:
    before = operator.email
    with transaction.atomic():
        operator.email = email
        operator.save(update_fields=["email", "updated_at"])
        audit_event_record(
            actor=operator.user, action="operator_email_changed", target=operator,
            before={"email": before}, after={"email": email}, origin=origin,
        )  # fmt: skip


def operator_address_change(*, operator: Operator, address: str, origin: RequestOrigin) -> None:
    before = operator.address
    with transaction.atomic():
        operator.address = address
        operator.save(update_fields=["address", "updated_at"])
        audit_event_record(
            actor=operator.user, action="operator_address_changed", target=operator,
            before={"address": before}, after={"address": address}, origin=origin,
        )  # fmt: skip


def hash_new_password(password: str) -> str:
    return make_password(password)
