"""职工中断参保 — 批量文件中断: the file, every rule of a row, the pages, and the approved batch
written into the records."""

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
from yibao.cases.models import Application, LineItem, Status
from yibao.core.errors import ApplicationError
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, PersonFactory, UserFactory, grant
from yibao.core.uploads import upload_check
from yibao.enrollment.cert_cells import SCIENTIFIC_ID
from yibao.enrollment.interruption_batch import NAME_MISMATCH, NOT_INSURED, interruption_batch_validate
from yibao.enrollment.interruption_sheets import (
    SHEET,
    TITLES,
    interruption_template_xlsx,
    read_interruption_file,
)
from yibao.enrollment.models import BatchImport, Insurance, Person, PersonnelChange
from yibao.enrollment.scope import PersonScope
from yibao.operators.models import Binding
from yibao.operators.session import CURRENT_UNIT_KEY
from yibao.units.tests.helpers import png_bytes

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def binding(client: Client) -> Binding:
    binding = grant(BindingFactory.create(), "employee-interruption")
    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit_id
    session.save()
    return binding


def insured(binding: Binding, n: int, *, insutypes: tuple[str, ...] = ("310", "510")) -> Person:
    person = PersonFactory.create(name=f"职工{n}")
    for insutype in insutypes:
        InsuranceFactory.create(person=person, unit=binding.unit, insutype=insutype)
    return person


def workbook(rows: list[list[Any]], *, header: list[str] | None = None) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(SHEET)
    for col, title in enumerate(header or list(TITLES)):
        sheet.write_string(0, col, title)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, value)
    book.close()
    return out.getvalue()


def row_for(person: Person, **changes: Any) -> list[Any]:
    values: dict[str, Any] = {
        "证件类型": "01 居民身份证(户口簿)",
        "证件号码": person.cert_no,
        "姓名": person.name,
        "中断原因": "02 调出",
        "中断日期": today().isoformat(),
    }
    values.update(changes)
    return [values[title] for title in TITLES]


def upload(client: Client, data: bytes, capture: Any) -> BatchImport:
    with capture(execute=True):
        response = client.post(
            reverse("enrollment:interruption-batch"),
            {"file": SimpleUploadedFile("中断.xlsx", data, content_type="application/octet-stream")},
        )
    assert response.status_code == 302, response.content.decode()[-2000:]
    batch = BatchImport.objects.order_by("-pk").first()
    assert batch is not None and batch.kind == BatchImport.Kind.INTERRUPTION
    return batch


def problems_of(binding: Binding, rows: list[list[Any]]) -> dict[int, list[str]]:
    read = read_interruption_file(workbook(rows), max_rows=100)
    assert read.ok, read.error
    passed, failed = interruption_batch_validate(PersonScope(unit=binding.unit), read.rows, today())
    assert len(passed) + len(failed) == len(rows)
    return {r.row: [f"{p.column}：{p.message}" for p in r.problems] for r in failed}


# --- the file and the rules ----------------------------------------------------------------------


def test_the_template_has_the_header_dropdowns_and_instructions() -> None:
    book = CalamineWorkbook.from_filelike(io.BytesIO(interruption_template_xlsx(rows=100_000)))
    assert book.sheet_names == [SHEET, "填写说明", "代码表"]
    header = book.get_sheet_by_name(SHEET).to_python()[0]
    assert header == [f"*{t}" for t in TITLES]
    codes = book.get_sheet_by_name("代码表").to_python()
    assert "02 调出" in [row[1] for row in codes]


def test_codes_names_and_dates_in_their_usual_forms_are_read(binding: Binding) -> None:
    person = insured(binding, 1)
    read = read_interruption_file(
        workbook([row_for(person, 证件类型="01", 中断原因="调出", 中断日期=today().strftime("%Y/%m/%d"))]),
        max_rows=10,
    )
    row = read.rows[0]
    assert row.problems == []
    assert (row.data.cert_type, row.data.reason, row.data.pause_date) == ("01", "02", today())


def test_every_rule_of_a_row_is_reported(binding: Binding) -> None:
    ok, paused, elsewhere, named, other, twice = (insured(binding, n) for n in range(6))
    Insurance.objects.filter(person=paused).update(status=Insurance.Status.PAUSED)
    Insurance.objects.filter(person=elsewhere).update(unit=BindingFactory.create().unit)
    stranger = PersonFactory.create()
    last_month = today().replace(day=1) - datetime.timedelta(days=1)
    rows = [
        row_for(ok),  # row 2 passes
        row_for(paused),  # 3: not actively insured
        row_for(elsewhere),  # 4: insured with another unit
        row_for(stranger),  # 5: unknown to this unit
        row_for(named, 姓名="别人"),  # 6: the name does not match
        row_for(other, 中断日期=last_month.isoformat()),  # 7: outside the window
        row_for(ok, 证件号码="", 中断原因="", 中断日期="下个月"),  # 8: missing / not a date
        row_for(ok, 证件号码=1.1e17),  # 9: Excel turned the ID into a number
        row_for(twice, 中断原因="离职"),  # 10: not a reason on the list
        row_for(twice),  # 11: the same person as row 10
    ]
    found = problems_of(binding, rows)
    assert 2 not in found
    assert found[3] == [f"证件号码：{NOT_INSURED}"]
    assert found[4] == [f"证件号码：{NOT_INSURED}"]
    assert found[5] == [f"证件号码：{NOT_INSURED}"]
    assert found[6] == [f"姓名：{NAME_MISMATCH}"]
    assert len(found[7]) == 1 and found[7][0].startswith("中断日期：中断日期须在")
    assert "证件号码：请填写证件号码" in found[8] and "中断原因：请选择中断原因" in found[8]
    assert any("「下个月」不是日期" in p for p in found[8])
    assert f"证件号码：{SCIENTIFIC_ID}" in found[9]
    assert "中断原因：「离职」不是有效的中断原因，请从下拉列表中选择" in found[10]
    assert "证件号码：证件号码与第11行重复" in found[10]
    assert found[11] == ["证件号码：证件号码与第10行重复"]


def test_a_date_before_the_start_is_refused(binding: Binding) -> None:
    person = insured(binding, 1)
    first = today().replace(day=1)
    Insurance.objects.filter(person=person, insutype="510").update(start_date=today())
    if today() == first:
        pytest.skip("on the first of a month no date of the window lies before a start of today")
    found = problems_of(binding, [row_for(person, 中断日期=first.isoformat())])
    assert any("中断日期不能早于参保日期" in p for p in found[2])


def test_the_header_and_the_sheets_are_those_of_the_template(binding: Binding) -> None:
    changed = read_interruption_file(workbook([], header=["证件号码", "姓名"]), max_rows=10)
    assert "表头与模板不一致" in changed.error
    assert "A列应为「证件类型」" in changed.error
    enrollment_file = read_interruption_file(b"PK\x03\x04 not really", max_rows=10)
    assert enrollment_file.error


# --- the pages and the application ---------------------------------------------------------------


def test_a_passing_file_becomes_an_application_approved_into_the_records(
    client: Client, binding: Binding, django_capture_on_commit_callbacks: Any
) -> None:
    persons = [insured(binding, n) for n in range(25)]
    batch = upload(client, workbook([row_for(p) for p in persons]), django_capture_on_commit_callbacks)
    assert (batch.status, batch.passed, batch.failed) == (BatchImport.Status.DONE, 25, 0)
    page = check_page(client.get(reverse("enrollment:interruption-batch-detail", args=[batch.pk])))
    text = page.get_text()
    assert "下一步" in text and "调出" in text and len(page.select("tbody tr")) == 20
    assert persons[0].cert_no not in text  # masked
    application = Application.objects.get(pk=batch.application_id or 0)
    assert application.type_code == "employee-interruption-batch"
    user = binding.operator.user
    services.application_print_mark(application=application, actor=user)
    services.material_upload(application=application, code="stamped-form",
                             upload=upload_check(io.BytesIO(png_bytes())), original_name="s.png", actor=user)  # fmt: skip
    services.application_submit(application=application, actor=user)
    assert Insurance.objects.filter(status=Insurance.Status.ACTIVE).count() == 50  # not before approval
    reviewer = UserFactory.create(is_staff=True, is_superuser=True)
    services.application_claim(application=application, reviewer=reviewer)
    services.application_approve(application=application, reviewer=reviewer, opinion="同意")
    assert Application.objects.get(pk=application.pk).status == Status.APPROVED
    paused = Insurance.objects.filter(unit=binding.unit, status=Insurance.Status.PAUSED, pause_date=today())
    assert paused.count() == 50
    changes = PersonnelChange.objects.filter(unit=binding.unit, kind="remove", application=application)
    assert changes.count() == 25
    assert {change.detail["reason_label"] for change in changes} == {"调出"}


def test_approval_refuses_when_a_person_left_meanwhile(
    client: Client, binding: Binding, django_capture_on_commit_callbacks: Any
) -> None:
    persons = [insured(binding, n) for n in range(3)]
    batch = upload(client, workbook([row_for(p) for p in persons]), django_capture_on_commit_callbacks)
    application = Application.objects.get(pk=batch.application_id or 0)
    user = binding.operator.user
    services.application_print_mark(application=application, actor=user)
    services.material_upload(application=application, code="stamped-form",
                             upload=upload_check(io.BytesIO(png_bytes())), original_name="s.png", actor=user)  # fmt: skip
    services.application_submit(application=application, actor=user)
    Insurance.objects.filter(person=persons[1]).update(status=Insurance.Status.PAUSED)
    reviewer = UserFactory.create(is_staff=True, is_superuser=True)
    services.application_claim(application=application, reviewer=reviewer)
    before = list(Insurance.objects.order_by("pk").values_list("status", flat=True))
    with pytest.raises(ApplicationError) as caught:
        services.application_approve(application=application, reviewer=reviewer, opinion="同意")
    assert "职工1已不是本单位正常参保人员" in caught.value.message
    assert list(Insurance.objects.order_by("pk").values_list("status", flat=True)) == before
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED


def test_failures_are_listed_exported_and_block_the_next_step(
    client: Client, binding: Binding, django_capture_on_commit_callbacks: Any
) -> None:
    good = insured(binding, 1)
    stranger = PersonFactory.create(name="=HYPERLINK(1)")
    batch = upload(client, workbook([row_for(good), row_for(stranger)]), django_capture_on_commit_callbacks)
    assert (batch.passed, batch.failed) == (1, 1)
    page = check_page(
        client.get(reverse("enrollment:interruption-batch-detail", args=[batch.pk]) + "?tab=failed")
    )
    assert NOT_INSURED in page.get_text() and page.find("a", string="下一步") is None
    export = client.get(reverse("enrollment:interruption-batch-failures", args=[batch.pk]))
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_name(SHEET).to_python()
    assert sheet[0][-1] == "错误原因" and len(sheet) == 2
    assert sheet[1][2] == "'=HYPERLINK(1)"  # neutralised against formula injection
    application = Application.objects.get(pk=batch.application_id or 0)
    services.application_print_mark(application=application, actor=binding.operator.user)
    with pytest.raises(ApplicationError) as caught:
        services.application_submit(application=application, actor=binding.operator.user)
    assert caught.value.message.startswith("校验失败列表中还有1人")
    assert LineItem.objects.filter(application=application).count() == 2


def test_the_enrollment_and_interruption_imports_do_not_cross(
    client: Client, binding: Binding, django_capture_on_commit_callbacks: Any
) -> None:
    batch = upload(client, workbook([row_for(insured(binding, 1))]), django_capture_on_commit_callbacks)
    grant(binding, "employee-enrollment")
    assert client.get(reverse("enrollment:enroll-batch-detail", args=[batch.pk])).status_code == 404
    assert client.get(reverse("enrollment:interruption-batch-detail", args=[batch.pk])).status_code == 200
    other = grant(BindingFactory.create(), "employee-interruption")
    client.force_login(other.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = other.unit_id
    session.save()
    assert client.get(reverse("enrollment:interruption-batch-detail", args=[batch.pk])).status_code == 404
    assert client.get(reverse("enrollment:interruption-batch-failures", args=[batch.pk])).status_code == 404


def test_the_batch_page_offers_the_template_and_links_both_modes(client: Client, binding: Binding) -> None:
    page = check_page(client.get(reverse("enrollment:interruption-batch")))
    links = {a.get_text(strip=True): a["href"] for a in page.select("a")}
    assert links["下载模板"] == reverse("enrollment:interruption-batch-template")
    assert links["少量中断"] == reverse("enrollment:interruption")
    response = client.get(reverse("enrollment:interruption-batch-template"))
    assert response["Content-Disposition"].startswith("attachment")
    small = check_page(client.get(reverse("enrollment:interruption")))
    assert small.find("a", string="批量文件中断") is not None
