"""The request id: one token per request, in the response's X-Request-ID and in every log record
written while the request is served (yibao.core.log_format), so that the proxy's access log,
gunicorn's and the hall's own lines of one request can be found together.

The TLS proxy in front (deploy/nginx/yibao.conf) sends its own id in X-Request-ID, overwriting
whatever the client sent; a well-formed one is kept, anything else (missing, too long, odd
characters that could forge log lines) is replaced by a fresh random id.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

from yibao.core.log_format import NO_REQUEST, current_request_id

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
# nginx's $request_id is 32 hex digits; a UUID, a ULID or another proxy's token fits too.
WELL_FORMED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,63}$")


def request_id_new() -> str:
    return uuid.uuid4().hex


def request_id_from(request: HttpRequest) -> str:
    given = request.META.get(META_KEY, "")
    return given if WELL_FORMED.fullmatch(given) else request_id_new()


class RequestIdMiddleware:
    """Outermost but for the metrics: sets `request.request_id` and the log context, and answers
    with the id in X-Request-ID. The context keeps the id until the response is closed (Django's
    "Not Found"/"Internal Server Error" lines are written after the middleware has returned), then
    `_request_id_clear` puts "-" back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        current_request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def _request_id_clear(**kwargs: object) -> None:
    current_request_id.set(NO_REQUEST)


request_finished.connect(_request_id_clear, dispatch_uid="yibao.core.request_id.clear")
