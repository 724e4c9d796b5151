"""导出记录: the operator's recent exports of one query (its business item) in the current unit,
with their status while the worker builds them, and 下载 once done."""

from __future__ import annotations

from typing import cast

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRefresh

from yibao.accounts.guards import hall_user
from yibao.core.audit import RequestOrigin
from yibao.core.storage import private_storage
from yibao.exports.access import access_export_job
from yibao.exports.kinds import kinds_of_item
from yibao.exports.lease import keep_hours, run_lost
from yibao.exports.selectors import export_jobs_recent
from yibao.exports.services import export_download_record, exports_recover
from yibao.operators.access import GrantedRequest, grant_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@grant_required("*")
def export_list(request: GrantedRequest, item_code: str) -> HttpResponse:
    """Without JavaScript the page refreshes itself while an export is pending; with it, htmx asks
    for the list alone every few seconds until none is."""
    kinds = kinds_of_item(item_code)
    if not kinds:
        raise Http404
    jobs = export_jobs_recent(unit=request.unit, user=hall_user(request), item_code=item_code)
    for job in jobs:
        # A running job whose worker is gone: queued again, or 导出中断. A queued job is left to
        # `manage.py exports_recover` (worker start, cron): waiting in a long queue is no sign of
        # loss, and this page, polled every few seconds, would enqueue duplicates of it.
        if run_lost(job):
            exports_recover(job=job, queued=False)
    titles = {kind.code: kind.title for kind in kinds}
    rows = [(job, titles[job.kind]) for job in jobs]
    context = {
        "rows": rows,
        "pending": any(job.pending for job in jobs),
        "item": request.business_item,
        "item_code": item_code,
        "query_url": kinds[0].query_url,
        # 返回查询: the query of the newest export, as the operator had filtered it
        "query_string": jobs[0].query_string if jobs else "",
        "keep_hours": keep_hours(),
    }
    if request.htmx:
        response: HttpResponse = (
            render(request, "exports/list.html#records", context)
            if context["pending"]
            else HttpResponseClientRefresh()
        )
    else:
        response = render(request, "exports/list.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@grant_required("*")
def export_download(request: GrantedRequest, item_code: str, job_id: int) -> HttpResponse:
    """下载: the finished file, audited as the export it is."""
    job = access_export_job(request, item_code=item_code, job_id=job_id)
    try:
        handle = private_storage().open(job.file_name, "rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    export_download_record(actor=hall_user(request), job=job, origin=RequestOrigin.from_request(request))
    response = FileResponse(handle, as_attachment=True, filename=job.download_name, content_type=XLSX)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return cast(HttpResponse, response)
