"""批量参保登记 pages: template, import in the background, result lists, failure export, and the
batch application approved into the records."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from tests.pagecheck import check_page
from yibao.cases import services
from yibao.cases.models import Application, Event, LineItem, ReviewerRegion, Status
from yibao.core.errors import ApplicationError
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import BindingFactory, UserFactory, grant
from yibao.core.uploads import upload_check
from yibao.demo.numbers import make_id_number, numbered_name
from yibao.enrollment.models import BatchImport, Insurance, PersonnelChange
from yibao.enrollment.sheets import TITLES
from yibao.operators.models import Binding, Grant
from yibao.operators.session import CURRENT_UNIT_KEY
from yibao.units.models import RoleCertification
from yibao.units.tests.helpers import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def binding(client: Client) -> Binding:
    binding = grant(BindingFactory.create(), "employee-enrollment")
    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit_id
    session.save()
    return binding


def workbook(rows: list[list[str]]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("参保登记")
    for col, title in enumerate(TITLES):
        sheet.write_string(0, col, title)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    return out.getvalue()


def person_row(n: int, **changes: str) -> list[str]:
    cert = make_id_number("530102", datetime.date(1990, 1, 1) + datetime.timedelta(days=n), n)
    start = timezone.localdate().replace(day=1).isoformat()
    values = {"证件类型": "01", "证件号码": cert, "姓名": numbered_name("职工", n), "民族": "01", "国籍": "CHN",
              "人员类别": "1101", "用工形式": "1", "险种": "310,510", "参保日期": start, "月缴费基数": "6000"}  # fmt: skip
    values.update(changes)
    return [values.get(title.lstrip("*"), "") for title in TITLES]


def upload(client: Client, data: bytes, django_capture_on_commit_callbacks: Any) -> BatchImport:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("enrollment:enroll-batch"),
            {"file": SimpleUploadedFile("人员.xlsx", data, content_type="application/octet-stream")},
        )
    assert response.status_code == 302, response.content.decode()[-2000:]
    batch = BatchImport.objects.order_by("-pk").first()
    assert batch is not None
    return batch


def test_the_template_downloads_with_the_header(client: Client, binding: Binding) -> None:
    response = client.get(reverse("enrollment:enroll-batch-template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    header = book.get_sheet_by_index(0).to_python()[0]
    assert [str(h).lstrip("*") for h in header] == [t.lstrip("*") for t in TITLES]


def test_a_clean_file_passes_and_its_application_is_approved_into_the_records(
    client: Client, binding: Binding, django_capture_on_commit_callbacks
) -> None:
    batch = upload(client, workbook([person_row(n) for n in range(30)]), django_capture_on_commit_callbacks)
    assert (batch.status, batch.passed, batch.failed) == (BatchImport.Status.DONE, 30, 0)
    page = check_page(client.get(reverse("enrollment:enroll-batch-detail", args=[batch.pk])))
    assert "下一步" in page.get_text() and len(page.select("tbody tr")) == 20
    application = Application.objects.get(pk=batch.application_id or 0)
    assert LineItem.objects.filter(application=application).count() == 30
    user = binding.operator.user
    services.application_print_mark(application=application, actor=user)
    services.material_upload(application=application, code="stamped-form",
                             upload=upload_check(io.BytesIO(png_bytes())), original_name="s.png", actor=user)  # fmt: skip
    services.application_submit(application=application, actor=user)
    reviewer = UserFactory.create(is_staff=True, username="shenhe-batch")
    ReviewerRegion.objects.create(reviewer=reviewer, division_id="530000")
    services.application_claim(application=application, reviewer=reviewer)
    services.application_approve(application=application, reviewer=reviewer)
    assert Application.objects.get(pk=application.pk).status == Status.APPROVED
    assert Insurance.objects.filter(unit=binding.unit).count() == 60  # 30 persons × 310, 510
    assert PersonnelChange.objects.filter(unit=binding.unit, kind="add").count() == 30


def test_failures_are_listed_exported_and_block_the_next_step(
    client: Client, binding: Binding, django_capture_on_commit_callbacks
) -> None:
    rows = [person_row(n) for n in range(5)] + [person_row(9, 月缴费基数="100"), person_row(0)]
    batch = upload(client, workbook(rows), django_capture_on_commit_callbacks)
    assert (batch.passed, batch.failed) == (4, 3)  # the duplicate names both rows
    page = check_page(client.get(reverse("enrollment:enroll-batch-detail", args=[batch.pk]) + "?tab=failed"))
    text = page.get_text()
    assert "导出失败数据" in text and "月缴费基数须在" in text and "证件号码与第8行重复" in text
    assert page.find("a", string="下一步") is None
    export = client.get(reverse("enrollment:enroll-batch-failures", args=[batch.pk]))
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert len(sheet) == 1 + 3 and "错误原因" in [str(v) for v in sheet[0]]
    application = Application.objects.get(pk=batch.application_id or 0)
    services.application_print_mark(application=application, actor=binding.operator.user)
    with pytest.raises(ApplicationError) as caught:
        services.application_submit(application=application, actor=binding.operator.user)
    assert caught.value.message.startswith("校验失败列表中还有3人")


def test_a_file_that_is_not_xlsx_ends_with_a_message(
    client: Client, binding: Binding, django_capture_on_commit_callbacks
) -> None:
    batch = upload(client, b"just some text, renamed", django_capture_on_commit_callbacks)
    assert batch.status == BatchImport.Status.REFUSED
    page = check_page(client.get(reverse("enrollment:enroll-batch-detail", args=[batch.pk])))
    assert "文件无法导入" in page.get_text() and "不是Excel工作簿" in page.get_text()


def test_another_units_import_is_not_found(
    client: Client, binding: Binding, django_capture_on_commit_callbacks
) -> None:
    batch = upload(client, workbook([person_row(1)]), django_capture_on_commit_callbacks)
    other = grant(BindingFactory.create(), "employee-enrollment")
    client.force_login(other.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = other.unit_id
    session.save()
    assert client.get(reverse("enrollment:enroll-batch-detail", args=[batch.pk])).status_code == 404
    assert client.get(reverse("enrollment:enroll-batch-failures", args=[batch.pk])).status_code == 404


def test_a_failing_file_after_a_passing_one_blocks_the_draft(
    client: Client, binding: Binding, django_capture_on_commit_callbacks: Any
) -> None:
    first = upload(client, workbook([person_row(n) for n in range(3)]), django_capture_on_commit_callbacks)
    second = upload(client, workbook([person_row(5, 月缴费基数="1")]), django_capture_on_commit_callbacks)
    assert second.application_id == first.application_id  # the same draft holds the newest file
    application = Application.objects.get(pk=second.application_id or 0)
    assert application.payload["batch"] == second.pk
    assert LineItem.objects.filter(application=application).count() == 1
    services.application_print_mark(application=application, actor=binding.operator.user)
    with pytest.raises(ApplicationError):
        services.application_submit(application=application, actor=binding.operator.user)


@pytest.mark.parametrize(
    ("withdraw", "message"),
    [
        ("grant", "您没有“职工参保登记（批量）”的业务权限"),
        ("role", "单位尚未通过角色认证"),
        ("binding", "您未绑定该单位"),
    ],
)
def test_the_worker_stops_when_the_grant_role_or_binding_is_withdrawn_after_the_upload(
    client: Client, binding: Binding, django_capture_on_commit_callbacks: Any, withdraw: str, message: str
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            reverse("enrollment:enroll-batch"),
            {"file": SimpleUploadedFile("人员.xlsx", workbook([person_row(1)]), "application/octet-stream")},
        )
    assert response.status_code == 302
    if withdraw == "grant":
        Grant.objects.filter(binding=binding).delete()
    elif withdraw == "role":
        RoleCertification.objects.filter(unit=binding.unit).update(status=RoleCertification.Status.PENDING)
    else:
        Binding.objects.filter(pk=binding.pk).update(status=Binding.Status.UNBOUND)
    for callback in queued:
        callback()  # the worker picks the import up
    batch = BatchImport.objects.get()
    assert batch.status == BatchImport.Status.REFUSED
    assert message in batch.error
    assert (batch.rows_total, batch.application_id) == (0, None)
    assert not Application.objects.filter(unit=binding.unit).exists()


def test_a_stored_file_leaves_a_case_event_and_an_audit_row(
    client: Client, binding: Binding, django_capture_on_commit_callbacks: Any
) -> None:
    """The lines go through the cases app's service: the draft a failing file makes has its 创建
    event and 申报编号 like any other, and every stored file is audited."""
    first = upload(client, workbook([person_row(5, 月缴费基数="1")]), django_capture_on_commit_callbacks)
    second = upload(client, workbook([person_row(n) for n in range(2)]), django_capture_on_commit_callbacks)
    application = Application.objects.get(pk=second.application_id or 0)
    assert first.application_id == application.pk
    assert application.number.startswith("SQ")
    # the second file replaced the first one's lines: a 修改申报内容 in the history
    actions = list(
        Event.objects.filter(application=application).order_by("at", "id").values_list("action", flat=True)
    )
    assert actions == ["created", "edited"]
    audited = AuditEvent.objects.filter(action="application_lines_stored", object_id=str(application.pk))
    assert [e.after["failed"] for e in audited.order_by("pk")] == [1, 0]


def running_batch(binding: Binding, **fields: Any) -> BatchImport:
    values = {"status": BatchImport.Status.RUNNING, "stage": "校验数据", "rows_total": 200, "rows_done": 50}
    values.update(fields)
    return BatchImport.objects.create(unit=binding.unit, original_name="人员.xlsx", **values)


def test_the_progress_page_polls_its_panel_and_refreshes_itself_without_javascript(
    client: Client, binding: Binding
) -> None:
    batch = running_batch(binding)
    url = reverse("enrollment:enroll-batch-detail", args=[batch.pk])
    response = client.get(url)
    assert "HX-Request" in response["Vary"]
    page = check_page(response)
    panel = page.find("section", attrs={"hx-get": True})
    assert (panel["hx-get"], panel["hx-trigger"], panel["aria-live"]) == (url, "every 2s", "polite")
    assert "校验中：校验数据（共 200 行）" in panel.get_text() and panel.find("progress")["value"] == "25"
    # Without JavaScript the browser reads the refresh inside <noscript>; with it, htmx polls.
    refresh = page.select("head noscript meta")
    assert [(m["http-equiv"], m["content"]) for m in refresh] == [("refresh", "2")]


def test_htmx_gets_the_progress_panel_alone_while_the_file_is_read(client: Client, binding: Binding) -> None:
    batch = running_batch(binding, status=BatchImport.Status.QUEUED, stage="", rows_total=0, rows_done=0)
    url = reverse("enrollment:enroll-batch-detail", args=[batch.pk])
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "HX-Request" in response["Vary"]
    fragment = response.content.decode()
    assert "<html" not in fragment and "<section" not in fragment and "hx-" not in fragment
    assert "正在校验" in fragment and "排队中" in fragment and 'value="0"' in fragment

    BatchImport.objects.filter(pk=batch.pk).update(
        status=BatchImport.Status.RUNNING, rows_total=4, rows_done=3
    )
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "校验中（共 4 行）" in fragment and 'value="75"' in fragment and "75%" in fragment


def test_htmx_is_told_to_load_the_page_again_once_the_import_has_finished(
    client: Client, binding: Binding
) -> None:
    batch = running_batch(binding, status=BatchImport.Status.REFUSED, error="文件中没有数据")
    url = reverse("enrollment:enroll-batch-detail", args=[batch.pk])
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert (response.status_code, response["HX-Refresh"], response.content) == (200, "true", b"")
    page = check_page(client.get(url))
    assert page.select("[hx-get]") == [] and page.select("noscript meta") == []
    assert "文件无法导入" in page.get_text()


def test_htmx_polling_another_units_import_is_not_found(client: Client, binding: Binding) -> None:
    other = BatchImport.objects.create(unit=BindingFactory.create().unit, status=BatchImport.Status.RUNNING)
    response = client.get(reverse("enrollment:enroll-batch-detail", args=[other.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 404
