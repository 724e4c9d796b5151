"""Calls from this hall to the national instance: a signed JSON POST whose answer must be signed
too (both sides hold the shared secret, so each knows the other is who it says). Delivery of the
outbox and the verification of national accounts both go through `national_call`."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings

from yibao.federation.signing import NONCE, answer_valid, request_headers

MAX_ANSWER_BYTES = 2 * 1024 * 1024


class NationalUnavailable(Exception):
    """No trustworthy answer: the endpoint is down, slow, failing, or answered something unsigned
    or unreadable. The message says which, for the admin and the logs."""


def national_call(path: str, payload: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = request_headers(body, path=path)
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked by settings
        f"{settings.YIBAO_NATIONAL_URL}{path}", data=body, headers=headers, method="POST"
    )
    timeout = int(settings.YIBAO_FEDERATION_TIMEOUT_SECONDS)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - http(s) only
            raw = answer.read(MAX_ANSWER_BYTES + 1)
            answered = {name.title(): value for name, value in answer.headers.items()}
    except urllib.error.HTTPError as error:
        raise NationalUnavailable(f"国家平台返回 HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        raise NationalUnavailable(f"无法连接国家平台：{getattr(error, 'reason', error)}") from None
    if len(raw) > MAX_ANSWER_BYTES or not answer_valid(raw, nonce=headers[NONCE], headers=answered):
        raise NationalUnavailable("国家平台的应答未经签名或签名无效")
    try:
        answer_payload = json.loads(raw)
    except ValueError:
        raise NationalUnavailable("国家平台的应答无法识别") from None
    if not isinstance(answer_payload, dict):
        raise NationalUnavailable("国家平台的应答无法识别")
    return answer_payload
