"""Signing of server-to-server calls between halls: HMAC-SHA256 with the shared
YIBAO_FEDERATION_SECRET over «timestamp.body», in the headers X-Yibao-Timestamp and
X-Yibao-Signature (hex), with the sender's name in X-Yibao-Source. A call more than
`MAX_SKEW_SECONDS` away from the receiver's clock is refused, so a recorded call cannot be
replayed later; within that window the idempotency keys make a replay change nothing."""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings

MAX_SKEW_SECONDS = 300
TIMESTAMP = "X-Yibao-Timestamp"
SIGNATURE = "X-Yibao-Signature"
SOURCE = "X-Yibao-Source"


def _secret() -> bytes:
    return str(settings.YIBAO_FEDERATION_SECRET or "").encode()


def signature_of(body: bytes, timestamp: str) -> str:
    return hmac.new(_secret(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signed_headers(body: bytes, *, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(now if now is not None else time.time()))
    return {
        TIMESTAMP: timestamp,
        SIGNATURE: signature_of(body, timestamp),
        SOURCE: str(settings.YIBAO_FEDERATION_SOURCE),
        "Content-Type": "application/json",
    }


def signature_valid(body: bytes, *, timestamp: str, signature: str, now: float | None = None) -> bool:
    if not _secret() or not timestamp.isdigit():
        return False
    if abs((now if now is not None else time.time()) - int(timestamp)) > MAX_SKEW_SECONDS:
        return False
    return hmac.compare_digest(signature_of(body, timestamp), signature)
