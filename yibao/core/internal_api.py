"""The guard of the internal API (DESIGN §6: the core system / tax bureau feeds us).

Machine clients send ``Authorization: Bearer <YIBAO_INTERNAL_API_TOKEN>``. The API is off (404)
while the setting is unset; a wrong or missing token gets 401, and an address that sent
YIBAO_INTERNAL_API_FAILURES_PER_IP of them in a window gets 429 until the window ends (the right
token included, so guessing gains nothing). The token itself must be at least 32 random bytes
(the settings refuse a shorter one at start). Requests carry no session cookie, so the views are
CSRF-exempt: the token, compared in constant time, is what authenticates them.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Protocol, TypeVar, cast

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from yibao.core.audit import RequestOrigin, client_address
from yibao.core.errors import ApplicationError
from yibao.core.guards import Guard, mark_guard
from yibao.core.json_body import JsonBodyError, json_body_parse
from yibao.core.throttle import Throttle

View = TypeVar("View", bound=Callable[..., HttpResponse])
SCHEME = "Bearer "


def token_valid(request: HttpRequest) -> bool:
    expected = str(settings.YIBAO_INTERNAL_API_TOKEN or "")
    header = request.META.get("HTTP_AUTHORIZATION", "")
    given = header[len(SCHEME) :] if header.startswith(SCHEME) else ""
    return hmac.compare_digest(given.encode(), expected.encode())


def _failures() -> Throttle:
    return Throttle(
        "internal-api-token",
        limit=int(settings.YIBAO_INTERNAL_API_FAILURES_PER_IP),
        window_seconds=int(settings.YIBAO_INTERNAL_API_WINDOW_MINUTES) * 60,
    )


def internal_token_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.YIBAO_INTERNAL_API_TOKEN:
            raise Http404
        failures, address = _failures(), client_address(request) or "unknown"
        if failures.exceeded(address):
            response = JsonResponse({"ok": False, "message": "令牌错误次数过多，请稍后再试"}, status=429)
            response["Retry-After"] = str(failures.retry_after())
            return response
        if not token_valid(request):
            failures.hit(address)
            response = JsonResponse({"ok": False, "message": "未授权：令牌缺失或不正确"}, status=401)
            response["WWW-Authenticate"] = 'Bearer realm="yibao-internal"'
            return response
        return view(request, *args, **kwargs)

    return mark_guard(cast(View, csrf_exempt(wrapper)), Guard.TOKEN)


@dataclass(frozen=True)
class InternalBody:
    """What a feed request carries: a JSON document (`payload`) or an uploaded file (`data`, `name`)."""

    payload: Any = None
    data: bytes = b""
    name: str = ""

    @property
    def is_json(self) -> bool:
        return not self.name


def internal_refusal(message: str, status: int) -> JsonResponse:
    return JsonResponse({"ok": False, "message": message}, status=status)


def internal_body(request: HttpRequest) -> InternalBody | JsonResponse:
    """The body of a feed request, within YIBAO_INTERNAL_API_MAX_BYTES (413 above it, judged by
    the declared length first and by what is read), as ``application/json`` (UTF-8, at most
    MAX_DEPTH levels deep, else 400) or ``multipart/form-data`` with the file in ``file``; any
    other content type gets 415."""
    limit = int(settings.YIBAO_INTERNAL_API_MAX_BYTES)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return internal_refusal("请求内容超过大小上限", 413)
    content_type = request.content_type or ""
    if content_type == "application/json":
        body = request.read(limit + 1)  # not request.body: our own limit, not Django's form limit
        if len(body) > limit:
            return internal_refusal("请求内容超过大小上限", 413)
        try:
            return InternalBody(payload=json_body_parse(body))
        except JsonBodyError as error:
            return internal_refusal(str(error), 400)
    if content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            return internal_refusal("缺少文件（表单字段 file）", 400)
        return InternalBody(data=upload.read(), name=upload.name or "upload")
    return internal_refusal("请以 multipart/form-data（file）或 application/json 提交", 415)


class FeedReport(Protocol):
    """What applying a feed answers: whether it was applied, and the report as JSON."""

    @property
    def ok(self) -> bool: ...

    def as_dict(self) -> dict[str, Any]: ...


Feed = TypeVar("Feed")


def feed_answer(
    request: HttpRequest,
    *,
    from_file: Callable[..., Feed],
    from_rows: Callable[[Any], Feed],
    apply: Callable[[Feed, RequestOrigin, str], FeedReport],
) -> HttpResponse:
    """The answer of a feed endpoint: the body read as a file (`from_file(data, name=…)`) or as
    JSON ``{"rows": [...]}`` (`from_rows`), applied with the request's origin and source name.
    200 with the report when applied, 422 with it when refused (nothing applied), 400 for a body
    that cannot be read."""
    body = internal_body(request)
    if isinstance(body, JsonResponse):
        return body
    try:
        if body.is_json:
            payload = body.payload
            feed = from_rows(payload.get("rows") if isinstance(payload, dict) else None)
        else:
            feed = from_file(body.data, name=body.name)
        report = apply(feed, RequestOrigin.from_request(request), body.name or "api")
    except ApplicationError as error:
        return JsonResponse({"ok": False, **error.as_dict()}, status=400)
    return JsonResponse(report.as_dict(), status=200 if report.ok else 422)
