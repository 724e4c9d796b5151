"""Server-to-server endpoints between halls, signed with the shared secret (`signing`), and so are
their answers. Off (404) while YIBAO_FEDERATION_SECRET is unset; a bad signature gets 401,
audited, and an address that sent too many of them 429 for a while."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from yibao.core.audit import RequestOrigin, audit_event_record, client_address
from yibao.core.guards import Guard, mark_guard
from yibao.core.throttle import Throttle
from yibao.federation.receiver import Malformed, events_receive
from yibao.federation.signing import NONCE, SOURCE, answer_headers, request_valid

View = TypeVar("View", bound=Callable[..., HttpResponse])
MAX_BODY_BYTES = 8 * 1024 * 1024


def _failures() -> Throttle:
    return Throttle(
        "federation-signature-failures",
        limit=int(settings.YIBAO_INTERNAL_API_FAILURES_PER_IP),
        window_seconds=int(settings.YIBAO_INTERNAL_API_WINDOW_MINUTES) * 60,
    )


def signed_call_required(view: View) -> View:
    """Only calls signed with the shared secret, within the size limit, reach the view; the body
    read is in `request.signed_body`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.YIBAO_FEDERATION_SECRET:
            raise Http404
        failures, address = _failures(), client_address(request) or "unknown"
        if failures.exceeded(address):
            response = JsonResponse({"ok": False, "message": "签名错误次数过多，请稍后再试"}, status=429)
            response["Retry-After"] = str(failures.retry_after())
            return response
        body = request.read(MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            return JsonResponse({"ok": False, "message": "请求内容超过大小上限"}, status=413)
        if not request_valid(body, path=request.path_info, headers=request.headers):
            failures.hit(address)
            audit_event_record(
                actor=None,
                action="federation_signature_refused",
                after={"source": request.headers.get(SOURCE, "")[:40], "path": request.path},
                origin=RequestOrigin.from_request(request),
            )
            return JsonResponse({"ok": False, "message": "签名无效或已过期"}, status=401)
        request.signed_body = body  # type: ignore[attr-defined]
        answer: HttpResponse = view(request, *args, **kwargs)
        for name, value in answer_headers(answer.content, nonce=request.headers[NONCE]).items():
            answer[name] = value  # the caller checks that the answer is ours, and for its request
        return answer

    return mark_guard(cast(View, csrf_exempt(wrapper)), Guard.TOKEN)


@signed_call_required
@require_POST
def events(request: HttpRequest) -> HttpResponse:
    """A provincial hall's batch of events (`receiver.events_receive`)."""
    try:
        payload = json.loads(request.signed_body)  # type: ignore[attr-defined]
        results = events_receive(source=request.headers.get(SOURCE, ""), events=payload.get("events"))
    except (ValueError, AttributeError, Malformed):
        return JsonResponse({"ok": False, "message": "请求内容无法识别"}, status=400)
    return JsonResponse({"ok": True, "results": results})
