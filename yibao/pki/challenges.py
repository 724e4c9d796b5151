"""One-time login challenges: random, kept in the visitor's session, short-lived, single use.

The hall hands the page a challenge; the certificate driver signs `signed_message(challenge)`;
the post that carries the signature takes the challenge out of the session whatever the outcome,
so a signature is good for one attempt only and a replayed one finds no challenge to match.
"""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

from yibao.core.errors import ApplicationError
from yibao.pki.error_codes import CaErrorCode

SESSION_KEY = "yibao_ca_challenge"
# Each page that asks the driver for a signature keeps its own challenge, so that opening one
# (CA 登录, 数字证书注册, 绑定新证书) does not spend another's; the login's keeps the plain key.
PURPOSES = {"login": "登录请求", "register": "证书验证请求", "bind": "证书绑定请求"}
# What the driver signs: a fixed prefix keeps a login signature from serving any other purpose.
MESSAGE_PREFIX = b"yibao-ca-login:"


def challenge_seconds() -> int:
    return int(getattr(settings, "YIBAO_CA_CHALLENGE_SECONDS", 120))


def signed_message(challenge: str) -> bytes:
    """The bytes the certificate driver signs for a challenge."""
    return MESSAGE_PREFIX + challenge.encode("ascii")


def _session_key(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    return SESSION_KEY if purpose == "login" else f"{SESSION_KEY}:{purpose}"


def challenge_issue(session: SessionBase, *, purpose: str = "login", now: float | None = None) -> str:
    """A fresh challenge for this session and purpose (replacing any earlier one)."""
    value = secrets.token_urlsafe(32)
    session[_session_key(purpose)] = {"value": value, "issued": now if now is not None else time.time()}
    return value


def challenge_take(
    session: SessionBase, presented: str, *, purpose: str = "login", now: float | None = None
) -> str:
    """Consume the session's challenge of `purpose` and return it if `presented` is that
    challenge and still fresh; refuse otherwise (the challenge is gone either way)."""
    noun = PURPOSES[purpose]
    again = "重新登录" if purpose == "login" else "重试"
    stored = session.pop(_session_key(purpose), None)
    if not isinstance(stored, dict) or not stored.get("value"):
        raise ApplicationError(CaErrorCode.CHALLENGE_MISSING, f"{noun}已失效，请刷新页面后{again}")
    if not secrets.compare_digest(str(stored["value"]), presented or ""):
        raise ApplicationError(
            CaErrorCode.CHALLENGE_STALE, f"{noun}已失效（签名不是对本次{noun}所作），请{again}"
        )
    current = now if now is not None else time.time()
    if current - float(stored["issued"]) > challenge_seconds():
        raise ApplicationError(CaErrorCode.CHALLENGE_EXPIRED, f"{noun}已超时，请{again}")
    return str(stored["value"])
