"""POST /api/internal/unit-registry/: the 医保信息系统's register of insured units, as a file or
as JSON rows.

- ``multipart/form-data`` with a ``file`` part (.csv UTF-8 or .xlsx, layout in README.md), or
- ``application/json``: ``{"rows": [{"uscc": …, "emp_name": …, "admdvs": …, "updt_time": …}]}``.

Same guard and limits as the other feeds (`yibao.core.internal_api`). The answer is the sync
report: 200 when synced, 422 with the row errors when nothing was synced, 400 for a body that
cannot be read.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_POST

from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.core.internal_api import internal_body, internal_token_required
from yibao.federation.registry import read_registry_file, registry_sync, rows_from_json


@internal_token_required
@require_POST
def unit_registry_feed(request: HttpRequest) -> HttpResponse:
    body = internal_body(request)
    if isinstance(body, JsonResponse):
        return body
    try:
        if body.is_json:
            payload = body.payload
            feed = rows_from_json(payload.get("rows") if isinstance(payload, dict) else None)
        else:
            feed = read_registry_file(body.data, name=body.name)
        report = registry_sync(
            feed=feed, origin=RequestOrigin.from_request(request), source=body.name or "api"
        )
    except ApplicationError as error:
        return JsonResponse({"ok": False, **error.as_dict()}, status=400)
    return JsonResponse(report.as_dict(), status=200 if report.ok else 422)
