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
# What the driver signs: a fixed prefix keeps a login signature from serving any other purpose.
MESSAGE_PREFIX = b"yibao-ca-login:"


def challenge_seconds() -> int:
    return int(getattr(settings, "YIBAO_CA_CHALLENGE_SECONDS", 120))


def signed_message(challenge: str) -> bytes:
    """The bytes the certificate driver signs for a challenge."""
    return MESSAGE_PREFIX + challenge.encode("ascii")


def challenge_issue(session: SessionBase, *, now: float | None = None) -> str:
    """A fresh challenge for this session (replacing any earlier one)."""
    value = secrets.token_urlsafe(32)
    session[SESSION_KEY] = {"value": value, "issued": now if now is not None else time.time()}
    return value


def challenge_take(session: SessionBase, presented: str, *, now: float | None = None) -> str:
    """Consume the session's challenge and return it if `presented` is that challenge and still
    fresh; refuse otherwise (the challenge is gone either way)."""
    stored = session.pop(SESSION_KEY, None)
    if not isinstance(stored, dict) or not stored.get("value"):
        raise ApplicationError(CaErrorCode.CHALLENGE_MISSING, "登录请求已失效，请刷新页面后重新登录")
    if not secrets.compare_digest(str(stored["value"]), presented or ""):
        raise ApplicationError(
            CaErrorCode.CHALLENGE_STALE, "登录请求已失效（签名不是对本次登录请求所作），请重新登录"
        )
    current = now if now is not None else time.time()
    if current - float(stored["issued"]) > challenge_seconds():
        raise ApplicationError(CaErrorCode.CHALLENGE_EXPIRED, "登录请求已超时，请重新登录")
    return str(stored["value"])
