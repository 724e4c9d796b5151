"""POST /api/internal/unit-registry/: the 医保信息系统's register of insured units, as a file or
as JSON rows.

- ``multipart/form-data`` with a ``file`` part (.csv UTF-8 or .xlsx, layout in README.md), or
- ``application/json``: ``{"rows": [{"uscc": …, "emp_name": …, "admdvs": …, "updt_time": …}]}``.

Same guard and limits as the other feeds (`yibao.core.internal_api`). The answer is the sync
report: 200 when synced, 422 with the row errors when nothing was synced, 400 for a body that
cannot be read.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from yibao.core.internal_api import feed_answer, internal_token_required
from yibao.federation.registry import read_registry_file, registry_sync, rows_from_json


@internal_token_required
@require_POST
def unit_registry_feed(request: HttpRequest) -> HttpResponse:
    return feed_answer(
        request,
        from_file=read_registry_file,
        from_rows=rows_from_json,
        apply=lambda feed, origin, source: registry_sync(feed=feed, origin=origin, source=source),
    )
