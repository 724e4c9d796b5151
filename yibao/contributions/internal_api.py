"""POST /api/internal/contributions/: the contributions feed as a file or as JSON rows.

- ``multipart/form-data`` with a ``file`` part (.csv UTF-8 or .xlsx, layout in README.md), or
- ``application/json``: ``{"rows": [{"emp_no": …, "psn_cert_type": …, "certno": …, …}]}``.

The answer is the import report as JSON: 200 when imported, 422 with the row errors when
nothing was imported, 400 for a body that cannot be read, 413 above YIBAO_INTERNAL_API_MAX_BYTES.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_POST

from yibao.contributions.feed import contributions_import
from yibao.contributions.feed_file import read_feed_file, rows_from_json
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.core.internal_api import internal_body, internal_token_required


@internal_token_required
@require_POST
def contributions_feed(request: HttpRequest) -> HttpResponse:
    body = internal_body(request)
    if isinstance(body, JsonResponse):
        return body
    try:
        if body.is_json:
            payload = body.payload
            rows = rows_from_json(payload.get("rows") if isinstance(payload, dict) else None)
        else:
            rows = read_feed_file(body.data, name=body.name)
        report = contributions_import(rows=rows, origin=RequestOrigin.from_request(request))
    except ApplicationError as error:
        return JsonResponse({"ok": False, **error.as_dict()}, status=400)
    return JsonResponse(report.as_dict(), status=200 if report.ok else 422)
