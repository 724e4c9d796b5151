"""SMS verification codes (DESIGN §6, identity issue item 6).

A code is 6 digits, valid 5 minutes, single use, bound to one phone and one purpose, and allows
at most 5 tries. A new code can be asked for 60 seconds after the last one; each phone and each
address has a daily cap. Codes are stored as an HMAC, never in clear. The message is queued with
the code, in its transaction (`sms_dispatch`: only the dispatch row's id goes through the task
queue, and the row's text is blanked once sent); the request does not wait for the gateway, and a
gateway that fails is retried in the background.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yibao.accounts.error_codes import SmsErrorCode
from yibao.accounts.models import SmsCode, SmsPurpose
from yibao.accounts.sms_dispatch import sms_dispatch
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError


@dataclass(frozen=True)
class SmsRules:
    length: int = 6
    valid_seconds: int = 300
    resend_seconds: int = 60
    max_attempts: int = 5


RULES = SmsRules()


def _now() -> datetime.datetime:
    """The clock of this module; tests move it instead of sleeping."""
    return timezone.now()


def _digest(phone: str, purpose: str, code: str, context: str = "") -> str:
    message = f"{phone}|{purpose}|{context}|{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _message_text(purpose: str, code: str, action: str = "") -> str:
    """`action` says who asks for what (e.g. «某单位正在将您绑定为单位经办人»), so the owner of the
    phone knows what the code would allow before telling anyone."""
    action = action or f"您正在进行{SmsPurpose(purpose).label}操作"
    minutes = RULES.valid_seconds // 60
    return f"【医保服务平台】{action}，验证码：{code}，{minutes}分钟内有效。如非本人操作或本人同意，请勿将验证码告诉他人。"


def seconds_until_resend(*, phone: str, purpose: str) -> int:
    """How long until a new code may be sent to this phone for this purpose (0 = now)."""
    last = (
        SmsCode.objects.filter(phone=phone, purpose=purpose)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last is None:
        return 0
    wait = RULES.resend_seconds - (_now() - last).total_seconds()
    return max(0, int(wait + 0.999))


def sms_code_send(
    *, phone: str, purpose: str, origin: RequestOrigin | None = None, context: str = "", action: str = ""
) -> SmsCode:
    """Create a code and send its message; refuse when sent too recently or too often today."""
    SmsPurpose(purpose)  # raises ValueError for a purpose that does not exist
    origin = origin or RequestOrigin()
    now = _now()
    with transaction.atomic():
        wait = seconds_until_resend(phone=phone, purpose=purpose)
        if wait:
            raise ApplicationError(
                SmsErrorCode.TOO_SOON, f"验证码已发送，请{wait}秒后再重新获取", field="sms_code"
            )
        day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        today = SmsCode.objects.filter(created_at__gte=day_start)
        if today.filter(phone=phone).count() >= settings.YIBAO_SMS_DAILY_PER_PHONE or (
            origin.ip_address
            and today.filter(ip_address=origin.ip_address).count() >= settings.YIBAO_SMS_DAILY_PER_IP
        ):
            raise ApplicationError(
                SmsErrorCode.DAILY_LIMIT, "今日获取短信验证码的次数已达上限，请明天再试", field="sms_code"
            )
        code = "".join(secrets.choice("0123456789") for _ in range(RULES.length))
        record = SmsCode.objects.create(
            phone=phone,
            purpose=purpose,
            code_hash=_digest(phone, purpose, code, context),
            context=context,
            created_at=now,
            expires_at=now + datetime.timedelta(seconds=RULES.valid_seconds),
            ip_address=origin.ip_address,
        )
        sms_dispatch(
            phone=phone,
            text=_message_text(purpose, code, action),
            purpose=purpose,
            secret=True,
            not_after=record.expires_at,  # a code that has expired is not sent late
        )
    return record


def sms_code_verify(*, phone: str, purpose: str, code: str, context: str = "", consume: bool = True) -> None:
    """Accept the newest code of this phone, purpose and context once; raise ApplicationError
    otherwise (a code another unit asked for is not accepted).

    A wrong code is counted (the count is committed before the error is raised). With
    `consume=False` a right code is only checked, not spent: a flow that has more to check after
    the code (a password) checks it so, and spends it with `consume=True` in the transaction that
    writes what the code allows, so a refusal after the code does not cost the user a new one.
    """
    entered = (code or "").strip()
    if not entered:
        raise ApplicationError(SmsErrorCode.REQUIRED, "请输入短信验证码", field="sms_code")
    failure: ApplicationError | None = None
    with transaction.atomic():
        record = (
            SmsCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose, context=context)
            .order_by("-created_at")
            .first()
        )
        if record is None:
            failure = ApplicationError(SmsErrorCode.NOT_SENT, "请先获取短信验证码", field="sms_code")
        elif record.used_at is not None:
            failure = ApplicationError(SmsErrorCode.USED, "短信验证码已使用，请重新获取", field="sms_code")
        elif record.attempts >= RULES.max_attempts:
            failure = ApplicationError(
                SmsErrorCode.TOO_MANY_ATTEMPTS, "短信验证码错误次数过多，请重新获取", field="sms_code"
            )
        elif _now() >= record.expires_at:
            failure = ApplicationError(SmsErrorCode.EXPIRED, "短信验证码已过期，请重新获取", field="sms_code")
        elif not hmac.compare_digest(record.code_hash, _digest(phone, purpose, entered, context)):
            record.attempts += 1
            record.save(update_fields=["attempts"])
            left = RULES.max_attempts - record.attempts
            message = "短信验证码不正确" + (f"，还可尝试{left}次" if left else "，请重新获取")
            failure = ApplicationError(SmsErrorCode.WRONG, message, field="sms_code")
        elif consume:
            record.used_at = _now()
            record.save(update_fields=["used_at"])
    if failure is not None:
        raise failure
