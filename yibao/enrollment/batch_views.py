"""职工参保登记 — 批量参保登记: 下载模板, 批量导入, 校验成功列表 / 校验失败列表, 导出失败数据, 下一步."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from yibao.accounts.session import hall_user
from yibao.cases.models import LineItem
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.core.forms import HallForm, add_application_error
from yibao.enrollment.batch_import import batch_failures_xlsx, batch_import_start, max_rows
from yibao.enrollment.models import BatchImport
from yibao.enrollment.policies import limits_for
from yibao.enrollment.sheets import enrollment_template_xlsx
from yibao.operators.access import grant_required
from yibao.units.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BatchUploadForm(HallForm):
    file = forms.FileField(label="批量导入文件", help_text="请使用下载的模板填写，xlsx 格式")

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > settings.YIBAO_BATCH_MAX_BYTES:
            raise forms.ValidationError(f"文件不能超过{settings.YIBAO_BATCH_MAX_BYTES // (1024 * 1024)}MB")
        return bytes(upload.read())


def _unit(request: HttpRequest) -> Unit:
    return request.unit  # type: ignore[attr-defined]


def _access_batch(request: HttpRequest, batch_id: int) -> BatchImport:
    batch = BatchImport.objects.filter(pk=batch_id, unit=_unit(request)).select_related("application").first()
    if batch is None:
        raise Http404
    return batch


@grant_required("employee-enrollment")
def batch_page(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    form = BatchUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = request.FILES.get("file")
        try:
            batch = batch_import_start(
                unit=unit, actor=hall_user(request), data=form.cleaned_data["file"],
                original_name=getattr(upload, "name", "") or "", origin=RequestOrigin.from_request(request),
            )  # fmt: skip
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("enroll:batch-detail", batch_id=batch.pk)
    recent = BatchImport.objects.filter(unit=unit).order_by("-created_at")[:5]
    return render(request, "enroll/batch.html", {"form": form, "recent": recent, "max_rows": max_rows()})


@grant_required("employee-enrollment")
def batch_template(request: HttpRequest) -> HttpResponse:
    """下载模板: the 险种 of the unit's region in the dropdown."""
    try:
        insutypes = sorted(limits_for(_unit(request).division_id, timezone.localdate()).insutypes)
    except LookupError:
        insutypes = None
    response = HttpResponse(enrollment_template_xlsx(insutypes=insutypes), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="batch-enrollment-template.xlsx"'
    return response


@grant_required("employee-enrollment")
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Progress while the worker reads the file (the page refreshes itself without JavaScript),
    then 校验成功列表 and 校验失败列表."""
    batch = _access_batch(request, batch_id)
    tab = "failed" if request.GET.get("tab") == "failed" else "passed"
    page = None
    if batch.status == BatchImport.Status.DONE and batch.application_id:
        lines = LineItem.objects.filter(application_id=batch.application_id).order_by("row")
        lines = lines.exclude(error="") if tab == "failed" else lines.filter(error="")
        page = Paginator(lines.only("row", "data", "error"), 20).get_page(request.GET.get("page"))
    running = batch.status in {BatchImport.Status.QUEUED, BatchImport.Status.RUNNING}
    return render(
        request,
        "enroll/batch_detail.html",
        {"batch": batch, "tab": tab, "page_obj": page, "running": running, "query_string": f"tab={tab}"},
    )


@grant_required("employee-enrollment")
def batch_failures(request: HttpRequest, batch_id: int) -> HttpResponse:
    """导出失败数据."""
    batch = _access_batch(request, batch_id)
    response = HttpResponse(batch_failures_xlsx(batch), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="failed-rows-{batch.pk}.xlsx"'
    return response
