"""Lockout after failed logins: per account (the profile's numbers) and per address.

Beijing's manual: «累计登录失败 5 次，账户即会被锁定 … 10 分钟后，系统会自动为账户解锁».
Failures live in the database so that every web process sees the same count.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from yibao.accounts.models import LoginFailure
from yibao.core.profiles import get_profile


def _now() -> datetime.datetime:
    """The clock of this module; tests move it instead of sleeping."""
    return timezone.now()


def account_locked_seconds(account_key: str) -> int:
    """Seconds until the account unlocks (0 when it is not locked)."""
    profile = get_profile()
    return key_locked_seconds(account_key, attempts=profile.lockout_attempts, minutes=profile.lockout_minutes)


def key_locked_seconds(account_key: str, *, attempts: int, minutes: int) -> int:
    """Seconds until a key with `attempts` failures within `minutes` is free again (0 when it is)."""
    window = datetime.timedelta(minutes=minutes)
    recent = list(
        LoginFailure.objects.filter(account_key=account_key, occurred_at__gt=_now() - window)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)[:attempts]
    )
    if len(recent) < attempts:
        return 0
    # Locked from the last failure that reached the limit, for the length of the window.
    unlock_at = recent[0] + window
    return max(0, int((unlock_at - _now()).total_seconds() + 0.999))


def attempts_left(account_key: str) -> int:
    """Failures this account may still have before it locks (the profile's numbers)."""
    profile = get_profile()
    window = datetime.timedelta(minutes=profile.lockout_minutes)
    failed = LoginFailure.objects.filter(account_key=account_key, occurred_at__gt=_now() - window).count()
    return max(0, profile.lockout_attempts - failed)


def failure_message(reason: str, account_key: str) -> str:
    """`reason` («账号或密码错误») with how many tries are left before the lock, so that the lock
    never comes as a surprise."""
    profile = get_profile()
    left = attempts_left(account_key)
    return (
        f"{reason}，还可尝试{left}次（连续失败{profile.lockout_attempts}次，"
        f"账户将被锁定{profile.lockout_minutes}分钟）"
    )


def address_limited(ip_address: str | None) -> bool:
    if not ip_address:
        return False
    window = datetime.timedelta(minutes=settings.YIBAO_LOGIN_IP_WINDOW_MINUTES)
    count = LoginFailure.objects.filter(ip_address=ip_address, occurred_at__gt=_now() - window).count()
    return count >= settings.YIBAO_LOGIN_FAILURES_PER_IP


def login_failure_record(*, account_key: str, ip_address: str | None) -> None:
    LoginFailure.objects.create(account_key=account_key, ip_address=ip_address, occurred_at=_now())


def login_failures_clear(*, account_key: str) -> None:
    LoginFailure.objects.filter(account_key=account_key).delete()


def lock_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return f"登录失败次数过多，账户已被锁定，请{minutes}分钟后再试"
