"""POST /api/internal/institutions/: the 贯标平台's institution feed as a file or as JSON rows.

- ``multipart/form-data`` with a ``file`` part (.csv UTF-8 or .xlsx, layout in README.md), or
- ``application/json``: ``{"rows": [{"fixmedins_code": …, "fixmedins_name": …, …}]}``.

Same guard and limits as the contributions feed (`yibao.core.internal_api`). The answer is the
sync report as JSON: 200 when synced, 422 with the row errors when nothing was synced, 400 for a
body that cannot be read.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from yibao.catalog.sync import institutions_sync
from yibao.catalog.sync_format import read_sync_file, rows_from_json
from yibao.core.internal_api import feed_answer, internal_token_required


@internal_token_required
@require_POST
def institutions_feed(request: HttpRequest) -> HttpResponse:
    return feed_answer(
        request,
        from_file=read_sync_file,
        from_rows=rows_from_json,
        apply=lambda feed, origin, source: institutions_sync(feed=feed, origin=origin, source=source),
    )
