"""The batch-file pages: 下载模板, 批量导入, 校验成功列表 / 校验失败列表, 导出失败数据, 下一步 — for
职工参保登记 (批量参保登记) and 职工中断参保 (批量文件中断). Both show the same steps; a `Screen`
says what differs (names, tabs, URLs, the columns of the lists)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRefresh

from yibao.accounts.guards import hall_user
from yibao.cases.models import LineItem
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.core.forms import HallForm, add_application_error
from yibao.core.masking import mask_id_number
from yibao.enrollment.batch_import import (
    ENROLLMENT_FLOW,
    BatchFlow,
    batch_failures_xlsx,
    batch_import_start,
    batch_imports_recover,
    max_rows,
)
from yibao.enrollment.batch_lease import lease_expired
from yibao.enrollment.interruption import InterruptionReason
from yibao.enrollment.interruption_batch import INTERRUPTION_FLOW
from yibao.enrollment.interruption_sheets import interruption_template_xlsx
from yibao.enrollment.models import BatchImport
from yibao.enrollment.policies import limits_for
from yibao.enrollment.scope import person_scope
from yibao.enrollment.sheets import enrollment_template_xlsx
from yibao.operators.access import GrantedRequest, grant_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINES_PER_PAGE = 20


@dataclass(frozen=True)
class Screen:
    flow: BatchFlow
    service: str  # the business item's name, e.g. 职工参保登记
    mode: str  # the tab, e.g. 批量参保登记
    tabs: tuple[tuple[str, str], ...]  # (label, URL name) of the service's modes
    urls: str  # URL name prefix: <prefix>, -template, -detail, -failures
    headers: tuple[str, ...]  # the columns of 校验成功/失败列表 after 行号
    cells: Callable[[dict[str, Any]], tuple[str, ...]]
    hint: str

    def url(self, suffix: str = "", *args: Any) -> str:
        return reverse(self.urls + suffix, args=args)

    @property
    def page_url(self) -> str:
        return self.url()

    @property
    def template_url(self) -> str:
        return self.url("-template")


def _enrollment_cells(data: dict[str, Any]) -> tuple[str, ...]:
    return (
        data.get("name", ""),
        mask_id_number(data.get("cert_no", "")),
        ",".join(data.get("insutypes", [])),
        data.get("start_date", ""),
        data.get("base", ""),
    )


def _interruption_cells(data: dict[str, Any]) -> tuple[str, ...]:
    reason = str(dict(InterruptionReason.choices).get(data.get("reason", ""), ""))
    return (data.get("name", ""), mask_id_number(data.get("cert_no", "")), reason, data.get("pause_date", ""))


ENROLLMENT = Screen(
    flow=ENROLLMENT_FLOW,
    service="职工参保登记",
    mode="批量参保登记",
    tabs=(("单个人员参保登记", "enrollment:enroll"), ("批量参保登记", "enrollment:enroll-batch")),
    urls="enrollment:enroll-batch",
    headers=("姓名", "证件号码", "险种", "参保日期", "月缴费基数"),
    cells=_enrollment_cells,
    hint="在模板中从第二行开始填写，不得修改第一行；带 * 的列为必填项，证件号码列请保持文本格式。",
)
INTERRUPTION = Screen(
    flow=INTERRUPTION_FLOW,
    service="职工中断参保",
    mode="批量文件中断",
    tabs=(("少量中断", "enrollment:interruption"), ("批量文件中断", "enrollment:interruption-batch")),
    urls="enrollment:interruption-batch",
    headers=("姓名", "证件号码", "中断原因", "中断日期"),
    cells=_interruption_cells,
    hint="在模板中从第二行开始填写，不得修改第一行；每行一名本单位正常参保人员，所有列均为必填项，证件号码列请保持文本格式。",
)


class BatchUploadForm(HallForm):
    file = forms.FileField(label="批量导入文件", help_text="请使用下载的模板填写，xlsx 格式")

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > settings.YIBAO_BATCH_MAX_BYTES:
            raise forms.ValidationError(f"文件不能超过{settings.YIBAO_BATCH_MAX_BYTES // (1024 * 1024)}MB")
        return bytes(upload.read())


def _access_batch(request: GrantedRequest, screen: Screen, batch_id: int) -> BatchImport:
    batch = (
        BatchImport.objects.filter(pk=batch_id, unit=request.unit, kind=screen.flow.kind)
        .select_related("application")
        .first()
    )
    if batch is None:
        raise Http404
    return batch


def _upload(request: GrantedRequest, screen: Screen) -> HttpResponse:
    unit = request.unit
    form = BatchUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = request.FILES.get("file")
        try:
            batch = batch_import_start(
                unit=unit, actor=hall_user(request), data=form.cleaned_data["file"],
                original_name=getattr(upload, "name", "") or "", origin=RequestOrigin.from_request(request),
                flow=screen.flow, psn_types=person_scope(request).psn_types,
            )  # fmt: skip
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect(screen.url("-detail", batch.pk))
    recent = [
        (batch, screen.url("-detail", batch.pk))
        for batch in BatchImport.objects.filter(unit=unit, kind=screen.flow.kind).order_by("-created_at")[:5]
    ]
    return render(
        request,
        "enrollment/batch.html",
        {"screen": screen, "form": form, "recent": recent, "max_rows": max_rows()},
    )


def _detail(request: GrantedRequest, screen: Screen, batch_id: int) -> HttpResponse:
    """Progress while the worker reads the file, then 校验成功列表 and 校验失败列表.

    Without JavaScript the page refreshes itself every 2 seconds while the file is read. With it,
    htmx asks for the progress panel alone (HX-Request) and swaps it in; once the import has
    finished it is told to load the page again (HX-Refresh), which then shows the results."""
    batch = _access_batch(request, screen, batch_id)
    if lease_expired(batch):  # its worker is gone: queued again, or 导入中断
        batch_imports_recover(batch=batch)
    running = batch.status in {BatchImport.Status.QUEUED, BatchImport.Status.RUNNING}
    if request.htmx:
        if running:
            response = render(request, "enrollment/batch_detail.html#progress", {"batch": batch})
        else:
            response = HttpResponseClientRefresh()
        patch_vary_headers(response, ("HX-Request",))
        return response
    tab = "failed" if request.GET.get("tab") == "failed" else "passed"
    page = None
    lines: list[tuple[int, tuple[str, ...], str]] = []
    if batch.status == BatchImport.Status.DONE and batch.application_id:
        found = LineItem.objects.filter(application_id=batch.application_id).order_by("row")
        found = found.exclude(error="") if tab == "failed" else found.filter(error="")
        page = Paginator(found.only("row", "data", "error"), LINES_PER_PAGE).get_page(request.GET.get("page"))
        lines = [(line.row, screen.cells(line.data), line.error) for line in page]
    response = render(
        request,
        "enrollment/batch_detail.html",
        {
            "screen": screen,
            "batch": batch,
            "tab": tab,
            "page_obj": page,
            "lines": lines,
            "running": running,
            "failures_url": screen.url("-failures", batch.pk),
            "query_string": f"tab={tab}",
        },
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


def _failures(request: GrantedRequest, screen: Screen, batch_id: int) -> HttpResponse:
    """导出失败数据."""
    batch = _access_batch(request, screen, batch_id)
    response = HttpResponse(batch_failures_xlsx(batch), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="failed-rows-{batch.pk}.xlsx"'
    return response


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- 职工参保登记 — 批量参保登记 -------------------------------------------------------------------


@grant_required("employee-enrollment")
def batch_page(request: GrantedRequest) -> HttpResponse:
    return _upload(request, ENROLLMENT)


@grant_required("employee-enrollment")
def batch_template(request: GrantedRequest) -> HttpResponse:
    """下载模板: the 险种 of the unit's region in the dropdown."""
    try:
        insutypes = sorted(limits_for(request.unit.division_id, timezone.localdate()).insutypes)
    except LookupError:
        insutypes = None
    return _xlsx(
        enrollment_template_xlsx(rows=max_rows(), insutypes=insutypes), "batch-enrollment-template.xlsx"
    )


@grant_required("employee-enrollment")
def batch_detail(request: GrantedRequest, batch_id: int) -> HttpResponse:
    return _detail(request, ENROLLMENT, batch_id)


@grant_required("employee-enrollment")
def batch_failures(request: GrantedRequest, batch_id: int) -> HttpResponse:
    return _failures(request, ENROLLMENT, batch_id)


# --- 职工中断参保 — 批量文件中断 -------------------------------------------------------------------


@grant_required("employee-interruption")
def interruption_batch_page(request: GrantedRequest) -> HttpResponse:
    return _upload(request, INTERRUPTION)


@grant_required("employee-interruption")
def interruption_batch_template(request: GrantedRequest) -> HttpResponse:
    return _xlsx(interruption_template_xlsx(rows=max_rows()), "batch-interruption-template.xlsx")


@grant_required("employee-interruption")
def interruption_batch_detail(request: GrantedRequest, batch_id: int) -> HttpResponse:
    return _detail(request, INTERRUPTION, batch_id)


@grant_required("employee-interruption")
def interruption_batch_failures(request: GrantedRequest, batch_id: int) -> HttpResponse:
    return _failures(request, INTERRUPTION, batch_id)
