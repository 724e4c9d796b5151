"""The hand-off token of 访问招采系统: a compact JWS (RFC 7515) signed with HMAC-SHA256 (HS256)
under a key the hall and the procurement system share. Its format, for the other side, is in this
app's README.md.

`token_issue` makes one; `token_verify` is the whole check the receiving side must make: the
header, the signature (in constant time), issuer and audience, issued-at and expiry (at most
`MAX_LIFETIME` seconds apart, with `LEEWAY` seconds of clock difference) and, through `seen`, a
`jti` used once only.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from yibao.core.errors import ApplicationError
from yibao.procurement.error_codes import ProcurementErrorCode

ISSUER = "yibao-hall"
AUDIENCE = "procurement-system"
HEADER = {"alg": "HS256", "typ": "JWT"}
MAX_LIFETIME = 300  # seconds: the token only carries the operator across, it is used at once
LEEWAY = 30  # seconds of clock difference between the two systems
MIN_KEY_BYTES = 32
CLAIMS = ("iss", "aud", "iat", "exp", "jti", "sub", "uscc", "unit_name")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not text or any(
        c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" for c in text
    ):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(key: bytes, signing_input: bytes) -> bytes:
    return hmac.new(key, signing_input, hashlib.sha256).digest()


@dataclass(frozen=True)
class HandOff:
    """Who is handed over: the unit and the operator (by the hall's id, never a phone or ID number)."""

    uscc: str
    unit_name: str
    operator_id: str


def token_issue(
    handoff: HandOff, *, key: bytes, lifetime: int = 120, now: float | None = None
) -> tuple[str, dict[str, Any]]:
    """A signed token for the hand-off, and its claims."""
    if len(key) < MIN_KEY_BYTES:
        raise ValueError("the signing key must have at least 32 bytes")
    issued = int(time.time() if now is None else now)
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": issued,
        "exp": issued + max(1, min(lifetime, MAX_LIFETIME)),
        "jti": secrets.token_urlsafe(18),
        "sub": handoff.operator_id,
        "uscc": handoff.uscc,
        "unit_name": handoff.unit_name,
    }
    header = _b64(json.dumps(HEADER, separators=(",", ":")).encode())
    body = _b64(json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    signing_input = f"{header}.{body}".encode("ascii")
    return f"{header}.{body}.{_b64(_signature(key, signing_input))}", claims


def _refuse(code: ProcurementErrorCode, message: str) -> ApplicationError:
    return ApplicationError(code, message)


def token_verify(
    token: str,
    *,
    key: bytes,
    seen: Callable[[str, int], bool],
    now: float | None = None,
    audience: str = AUDIENCE,
) -> dict[str, Any]:
    """The claims of a genuine, current token used for the first time; an ApplicationError
    otherwise. `seen(jti, exp)` records the jti and answers True when it was recorded before (the
    receiver keeps jtis until their exp has passed)."""
    parts = str(token or "").strip().split(".")
    if len(parts) != 3:
        raise _refuse(ProcurementErrorCode.MALFORMED, "令牌格式不正确")
    try:
        header = json.loads(_unb64(parts[0]))
        signature = _unb64(parts[2])
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise _refuse(ProcurementErrorCode.MALFORMED, "令牌格式不正确") from exc
    if header != HEADER:  # only HS256: no "none", no algorithm chosen by the sender
        raise _refuse(ProcurementErrorCode.MALFORMED, "令牌签名算法不受支持")
    expected = _signature(key, f"{parts[0]}.{parts[1]}".encode("ascii"))
    if not hmac.compare_digest(expected, signature):
        raise _refuse(ProcurementErrorCode.BAD_SIGNATURE, "令牌签名无效")
    try:
        claims = json.loads(_unb64(parts[1]).decode("utf-8"))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise _refuse(ProcurementErrorCode.MALFORMED, "令牌格式不正确") from exc
    if not isinstance(claims, dict) or any(name not in claims for name in CLAIMS):
        raise _refuse(ProcurementErrorCode.BAD_CLAIMS, "令牌内容不完整")
    if claims["iss"] != ISSUER or claims["aud"] != audience:
        raise _refuse(ProcurementErrorCode.BAD_CLAIMS, "令牌的签发方或接收方不符")
    iat, exp = claims["iat"], claims["exp"]
    if not isinstance(iat, int) or not isinstance(exp, int) or not 0 < exp - iat <= MAX_LIFETIME:
        raise _refuse(ProcurementErrorCode.BAD_CLAIMS, "令牌有效期不正确")
    moment = time.time() if now is None else now
    if iat > moment + LEEWAY:
        raise _refuse(ProcurementErrorCode.BAD_CLAIMS, "令牌签发时间晚于当前时间")
    if exp + LEEWAY < moment:
        raise _refuse(ProcurementErrorCode.EXPIRED, "令牌已过期，请重新从医保网厅进入")
    if seen(str(claims["jti"]), exp):
        raise _refuse(ProcurementErrorCode.REPLAYED, "令牌已使用过，请重新从医保网厅进入")
    return claims
