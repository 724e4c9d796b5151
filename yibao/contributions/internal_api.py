"""POST /api/internal/contributions/: the contributions feed as a file or as JSON rows.

- ``multipart/form-data`` with a ``file`` part (.csv UTF-8 or .xlsx, layout in README.md), or
- ``application/json``: ``{"rows": [{"emp_no": …, "psn_cert_type": …, "certno": …, …}]}``.

The answer is the import report as JSON: 200 when imported, 422 with the row errors when
nothing was imported, 400 for a body that cannot be read, 413 above YIBAO_INTERNAL_API_MAX_BYTES.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from yibao.contributions.feed import contributions_import
from yibao.contributions.feed_file import read_feed_file, rows_from_json
from yibao.core.internal_api import feed_answer, internal_token_required


@internal_token_required
@require_POST
def contributions_feed(request: HttpRequest) -> HttpResponse:
    return feed_answer(
        request,
        from_file=read_feed_file,
        from_rows=rows_from_json,
        apply=lambda rows, origin, source: contributions_import(rows=rows, origin=origin),
    )
