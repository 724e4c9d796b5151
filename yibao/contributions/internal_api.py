"""POST /api/internal/contributions/: the contributions feed as a file or as JSON rows.

- ``multipart/form-data`` with a ``file`` part (.csv UTF-8 or .xlsx, layout in README.md), or
- ``application/json``: ``{"rows": [{"emp_no": …, "psn_cert_type": …, "certno": …, …}]}``.

The answer is the import report as JSON: 200 when imported, 422 with the row errors when
nothing was imported, 400 for a body that cannot be read, 413 above YIBAO_INTERNAL_API_MAX_BYTES.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_POST

from yibao.contributions.feed import contributions_import
from yibao.contributions.feed_file import FeedRow, read_feed_file, rows_from_json
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.core.internal_api import internal_token_required
from yibao.core.json_body import JsonBodyError, json_body_parse


def _refusal(message: str, status: int) -> JsonResponse:
    return JsonResponse({"ok": False, "message": message}, status=status)


def _rows(request: HttpRequest, limit: int) -> list[FeedRow] | JsonResponse:
    content_type = request.content_type or ""
    if content_type == "application/json":
        body = request.read(limit + 1)  # not request.body: our own limit, not Django's form limit
        if len(body) > limit:
            return _refusal("请求内容超过大小上限", 413)
        try:
            payload = json_body_parse(body)
        except JsonBodyError as error:
            return _refusal(str(error), 400)
        return rows_from_json(payload.get("rows") if isinstance(payload, dict) else None)
    if content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            return _refusal("缺少文件（表单字段 file）", 400)
        return read_feed_file(upload.read(), name=upload.name or "")
    return _refusal("请以 multipart/form-data（file）或 application/json 提交", 415)


@internal_token_required
@require_POST
def contributions_feed(request: HttpRequest) -> HttpResponse:
    limit = int(settings.YIBAO_INTERNAL_API_MAX_BYTES)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return _refusal("请求内容超过大小上限", 413)
    try:
        rows = _rows(request, limit)
        if isinstance(rows, JsonResponse):
            return rows
        report = contributions_import(rows=rows, origin=RequestOrigin.from_request(request))
    except ApplicationError as error:
        return JsonResponse({"ok": False, **error.as_dict()}, status=400)
    return JsonResponse(report.as_dict(), status=200 if report.ok else 422)
