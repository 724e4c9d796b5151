"""个人中心 → 账户管理 of an operator: 更换密码, 更换邮箱, 个人地址.

The checks before a change live here; the writes are their owners' services: the password by
accounts (`user_password_change`), 邮箱 and 个人地址 by operators (`operator_email_change`,
`operator_address_change`).
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from yibao.core.errors import ApplicationError
from yibao.entry.error_codes import SelfServiceErrorCode
from yibao.operators.models import Operator


def operator_password_check_identity(*, operator: Operator, cert_no: str) -> None:
    if operator.cert_no.upper() != cert_no.strip().upper():
        raise ApplicationError(
            SelfServiceErrorCode.CERT_MISMATCH, "证件号码与经办人登记的信息不一致", field="cert_no"
        )


def hash_new_password(password: str) -> str:
    return make_password(password)
