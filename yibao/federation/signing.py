"""Signing of server-to-server calls between halls, HMAC-SHA256 with the shared
YIBAO_FEDERATION_SECRET.

A request is signed over its direction, timestamp, a fresh nonce, method, path, the sender's name
and its body (headers X-Yibao-Timestamp, X-Yibao-Nonce, X-Yibao-Source, X-Yibao-Signature). The
receiver refuses one more than `MAX_SKEW_SECONDS` away from its clock and one whose nonce it has
seen (kept in the cache for the skew window both ways), so a recorded call can be replayed
neither later nor at once. An answer is signed over its direction, its timestamp, the request's
nonce and its body: an answer recorded for one request cannot be passed off for another, and a
request cannot be passed off as an answer.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping

from django.conf import settings
from django.core.cache import cache

MAX_SKEW_SECONDS = 300
TIMESTAMP = "X-Yibao-Timestamp"
NONCE = "X-Yibao-Nonce"
SIGNATURE = "X-Yibao-Signature"
SOURCE = "X-Yibao-Source"
_NONCE_CACHE = "federation:nonce:"


def _secret() -> bytes:
    return str(settings.YIBAO_FEDERATION_SECRET or "").encode()


def _mac(*parts: str, body: bytes) -> str:
    message = "\n".join(parts).encode() + b"\n" + body
    return hmac.new(_secret(), message, hashlib.sha256).hexdigest()


def _fresh(timestamp: str, now: float | None) -> bool:
    if not timestamp.isdigit():
        return False
    return abs((now if now is not None else time.time()) - int(timestamp)) <= MAX_SKEW_SECONDS


def request_headers(body: bytes, *, path: str, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(now if now is not None else time.time()))
    nonce = secrets.token_hex(16)
    source = str(settings.YIBAO_FEDERATION_SOURCE)[:40]
    return {
        TIMESTAMP: timestamp,
        NONCE: nonce,
        SOURCE: source,
        SIGNATURE: _mac("request", timestamp, nonce, "POST", path, source, body=body),
        "Content-Type": "application/json",
    }


def request_valid(body: bytes, *, path: str, headers: Mapping[str, str], now: float | None = None) -> bool:
    """The request is signed with our secret, fresh, and its nonce not seen before (then kept)."""
    timestamp, nonce = headers.get(TIMESTAMP, ""), headers.get(NONCE, "")
    source, signature = headers.get(SOURCE, ""), headers.get(SIGNATURE, "")
    if not _secret() or not _fresh(timestamp, now) or not 16 <= len(nonce) <= 64:
        return False
    expected = _mac("request", timestamp, nonce, "POST", path, source, body=body)
    if not hmac.compare_digest(expected, signature):
        return False
    return bool(cache.add(_NONCE_CACHE + nonce, 1, timeout=2 * MAX_SKEW_SECONDS))


def answer_headers(body: bytes, *, nonce: str, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(now if now is not None else time.time()))
    return {TIMESTAMP: timestamp, SIGNATURE: _mac("answer", timestamp, nonce, body=body)}


def answer_valid(body: bytes, *, nonce: str, headers: Mapping[str, str], now: float | None = None) -> bool:
    timestamp, signature = headers.get(TIMESTAMP, ""), headers.get(SIGNATURE, "")
    if not _secret() or not _fresh(timestamp, now):
        return False
    return hmac.compare_digest(_mac("answer", timestamp, nonce, body=body), signature)
