"""The national instance's answer to provincial halls about unit and operator logins (`national_accounts`):
POST /api/internal/federation/verify-account/, signed both ways with the shared secret, at most
YIBAO_FEDERATION_VERIFY_PER_MINUTE calls a minute per calling hall (beyond the per-account and
per-address lockout every check counts towards)."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_POST

from yibao.core.throttle import Throttle
from yibao.entry.national_answers import national_account_answer, national_uscc_answer
from yibao.federation.api import signed_call_required
from yibao.federation.signing import SOURCE


def _over_budget(source: str) -> JsonResponse | None:
    """Count one call of the calling hall; 429 past its budget for the minute."""
    calls = Throttle(
        "federation-verify", limit=int(settings.YIBAO_FEDERATION_VERIFY_PER_MINUTE), window_seconds=60
    )
    if calls.exceeded(source):
        response = JsonResponse({"ok": False, "message": "核验请求过于频繁，请稍后再试"}, status=429)
        response["Retry-After"] = str(calls.retry_after())
        return response
    calls.hit(source)
    return None


@signed_call_required
@require_POST
def verify_account(request: HttpRequest) -> HttpResponse:
    source = request.headers.get(SOURCE, "")[:40]
    refused = _over_budget(source)
    if refused is not None:
        return refused
    try:
        payload = json.loads(request.signed_body)  # type: ignore[attr-defined]
        kind, identifier, password = (
            str(payload.get("kind", "unit")),
            str(payload["identifier"]),
            str(payload["password"]),
        )
        client_ip = payload.get("client_ip")
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"ok": False, "message": "请求内容无法识别"}, status=400)
    answer = national_account_answer(
        kind=kind,
        identifier=identifier[:64],
        password=password[:128],
        client_ip=str(client_ip)[:45] if client_ip else None,
        source=source,
    )
    return JsonResponse(answer)


@signed_call_required
@require_POST
def unit_registered(request: HttpRequest) -> HttpResponse:
    """Whether a unit account is registered here for a USCC (a provincial hall's 单位注册 asks)."""
    source = request.headers.get(SOURCE, "")[:40]
    refused = _over_budget(source)
    if refused is not None:
        return refused
    try:
        uscc = str(json.loads(request.signed_body)["uscc"])[:18]  # type: ignore[attr-defined]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"ok": False, "message": "请求内容无法识别"}, status=400)
    return JsonResponse(national_uscc_answer(uscc=uscc))
