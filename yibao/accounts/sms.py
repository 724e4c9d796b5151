"""SMS backends, chosen by dotted path in YIBAO_SMS_BACKEND (DESIGN §6).

- `OutboxBackend` stores messages in the database; the development page /_dev/sms/ shows them.
- `HttpGatewayBackend` posts each message as JSON to the gateway at YIBAO_SMS_GATEWAY_URL with
  the bearer token YIBAO_SMS_GATEWAY_TOKEN, and fails loudly on anything but a 2xx answer.

Callers do not call a backend: they queue a message with `sms_dispatch.sms_dispatch`, whose task
calls it (retried with back-off when it fails).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from yibao.accounts.error_codes import SmsErrorCode
from yibao.core.errors import ApplicationError


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str, purpose: str = "") -> None: ...


class OutboxBackend:
    def send(self, *, phone: str, text: str, purpose: str = "") -> None:
        from yibao.accounts.models import SmsMessage

        SmsMessage.objects.create(phone=phone, text=text, purpose=purpose)


class HttpGatewayBackend:
    def __init__(self, url: str | None = None, token: str | None = None, timeout: float = 5.0) -> None:
        self.url = url or settings.YIBAO_SMS_GATEWAY_URL
        self.token = token if token is not None else settings.YIBAO_SMS_GATEWAY_TOKEN
        self.timeout = timeout
        if not self.url.startswith(("https://", "http://")):
            raise ValueError("YIBAO_SMS_GATEWAY_URL must be an http(s) URL")

    def send(self, *, phone: str, text: str, purpose: str = "") -> None:
        body = json.dumps({"phone": phone, "text": text, "purpose": purpose}, ensure_ascii=False).encode()
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                if not 200 <= response.status < 300:
                    raise ApplicationError(SmsErrorCode.SEND_FAILED, "短信发送失败，请稍后重试")
        except (urllib.error.URLError, TimeoutError) as exc:
            raise ApplicationError(SmsErrorCode.SEND_FAILED, "短信发送失败，请稍后重试") from exc


@cache
def _backend_class(path: str) -> type[SmsBackend]:
    cls: type[SmsBackend] = import_string(path)
    return cls


def sms_backend() -> SmsBackend:
    return _backend_class(settings.YIBAO_SMS_BACKEND)()
