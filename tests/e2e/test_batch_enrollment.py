"""批量参保登记 in a browser: a file with failures, the failure export, a corrected file, the
application saved, approved, and the persons enrolled; the progress of an import being read, with
JavaScript and without."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from tests.e2e.conftest import screenshot
from tests.e2e.test_agency import claim, login_reviewer
from tests.e2e.test_key_change_flow import scan, upload
from tests.e2e.test_operators import login_operator
from yibao.agency.tests.helpers import reviewer
from yibao.cases.models import Application, Status
from yibao.core.tests.factories import BindingFactory, grant
from yibao.enrollment.models import BatchImport, Insurance
from yibao.enrollment.tests.test_batch_pages import person_row, workbook


def import_file(page: Any, path: Path) -> None:
    page.get_by_label("批量导入文件").set_input_files(str(path))
    page.get_by_role("button", name="批量导入", exact=True).click()
    expect(page.get_by_text("校验成功", exact=True)).to_be_visible(timeout=20_000)


def test_batch_with_failures_export_correct_reimport_submit_review_and_roster(
    page: Any, browser: Any, tmp_path: Path
) -> None:
    binding = grant(BindingFactory.create(), "employee-enrollment", "roster")
    reviewer("shenhe-batch-e2e")
    login_operator(page, binding.operator.mobile, binding.unit.name)
    page.locator(".service-tile", has_text="职工参保登记").get_by_role("link").click()
    page.get_by_role("link", name="批量参保登记").click()
    with page.expect_download() as template:
        page.get_by_role("link", name="下载模板").click()
    assert template.value.suggested_filename.endswith(".xlsx")

    bad = tmp_path / "人员.xlsx"
    bad.write_bytes(workbook([person_row(n) for n in range(8)] + [person_row(20, 月缴费基数="100")]))
    import_file(page, bad)
    expect(page.get_by_role("link", name=re.compile("校验失败列表（1）"))).to_be_visible()
    page.get_by_role("link", name=re.compile("校验失败列表")).click()
    expect(page.locator("tbody")).to_contain_text("月缴费基数须在")
    expect(page.get_by_role("link", name="下一步")).to_have_count(0)
    screenshot(page, "batch-failed")
    with page.expect_download() as export:
        page.get_by_role("link", name="导出失败数据").click()
    rows = CalamineWorkbook.from_path(export.value.path()).get_sheet_by_index(0).to_python()
    assert len(rows) == 2 and any("月缴费基数须在" in str(v) for v in rows[1])

    good = tmp_path / "人员-已修改.xlsx"
    good.write_bytes(workbook([person_row(n) for n in range(8)] + [person_row(20, 月缴费基数="6000")]))
    page.get_by_role("link", name="重新导入").first.click()
    import_file(page, good)
    expect(page.get_by_role("link", name=re.compile("校验成功列表（9）"))).to_be_visible()
    screenshot(page, "batch-passed")
    page.get_by_role("link", name="下一步").click()
    finish_batch(page, tmp_path)
    number = page.locator(".case-summary dd").first.inner_text()

    # The agency reviewer approves it on the workbench.
    agency = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    agency.base_url = page.base_url
    login_reviewer(agency, "shenhe-batch-e2e")
    agency.get_by_role("link", name="进入审核队列").click()
    agency.get_by_role("link", name=number).click()
    claim(agency)
    agency.get_by_role("button", name="通过", exact=True).click()
    expect(agency.get_by_text(number)).to_be_visible()
    agency.context.close()
    assert Application.objects.get(number=number).status == Status.APPROVED
    assert Insurance.objects.filter(unit=binding.unit, insutype="310").count() == 9

    # 职工花名册查询 lists the nine new employees.
    page.goto(page.base_url + "/hall/")
    page.locator(".service-tile", has_text="职工花名册查询").get_by_role("link").click()
    expect(page.get_by_text("共 9 人", exact=True)).to_be_visible()
    page.get_by_label("姓名").fill("职工二零")  # numbered_name("职工", 20)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("共 1 人", exact=True)).to_be_visible()
    expect(page.locator("tbody")).to_contain_text("正常参保")
    screenshot(page, "batch-roster")


def finish_batch(page: Any, tmp_path: Path) -> None:
    workspace = page.url
    page.get_by_role("button", name="打印报表").click()
    page.wait_for_url(re.compile(r"/form/$"))
    page.goto(workspace)
    upload(page, "职工参保登记表（批量）", scan(tmp_path, "batch.png"))
    page.get_by_role("button", name="已打印盖章，继续上传并保存").click()
    expect(page.get_by_text("职工参保登记（批量）已提交，请等待医保经办机构审核")).to_be_visible()


def test_the_progress_updates_in_place_and_the_results_follow(page: Any, browser: Any) -> None:
    """The worker's progress as the tests' database says it: htmx swaps the panel without loading
    the page, and loads it once when the import has finished; without JavaScript the page
    refreshes itself until then."""
    binding = grant(BindingFactory.create(), "employee-enrollment")
    batch = BatchImport.objects.create(
        unit=binding.unit, original_name="人员.xlsx", status=BatchImport.Status.RUNNING,
        stage="校验数据", rows_total=200, rows_done=20,
    )  # fmt: skip
    running = BatchImport.objects.filter(pk=batch.pk)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    login_operator(page, binding.operator.mobile, binding.unit.name)
    url = page.base_url + reverse("enrollment:enroll-batch-detail", args=[batch.pk])
    page.goto(url)
    progress = page.get_by_label("校验进度")
    expect(progress).to_have_attribute("value", "10")
    page.evaluate("window.notReloaded = true")
    running.update(rows_done=120)
    expect(progress).to_have_attribute("value", "60")
    expect(page.get_by_text("校验中：校验数据（共 200 行）")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True  # the panel changed, the page stayed
    assert not [text for text in console if "Content Security Policy" in text]  # htmx needs no inline style
    screenshot(page, "batch-progress")

    # The same page without JavaScript: the <noscript> refresh reloads it every 2 seconds.
    plain = browser.new_context(java_script_enabled=False, viewport={"width": 1366, "height": 768})
    plain.add_cookies(page.context.cookies())
    quiet = plain.new_page()
    quiet.goto(url)
    expect(quiet.get_by_label("校验进度")).to_have_attribute("value", "60")

    running.update(status=BatchImport.Status.DONE, rows_done=200, passed=200, finished_at=timezone.now())
    expect(page.get_by_role("link", name="校验成功列表（200）")).to_be_visible()
    assert page.evaluate("window.notReloaded") is None  # loaded again once, for the results
    expect(page.get_by_label("校验进度")).to_have_count(0)
    expect(quiet.get_by_role("link", name="校验成功列表（200）")).to_be_visible()
    plain.close()


def test_a_poll_redirected_to_the_login_shows_the_login_page(page: Any) -> None:
    """The session ends while the panel polls: the login page replaces the page, not the panel."""
    binding = grant(BindingFactory.create(), "employee-enrollment")
    batch = BatchImport.objects.create(unit=binding.unit, status=BatchImport.Status.RUNNING, rows_total=10)
    login_operator(page, binding.operator.mobile, binding.unit.name)
    page.goto(page.base_url + reverse("enrollment:enroll-batch-detail", args=[batch.pk]))
    expect(page.get_by_label("校验进度")).to_be_visible()
    page.context.clear_cookies()
    page.wait_for_url(re.compile(r"/hall/login/"))
    expect(page.get_by_label("校验进度")).to_have_count(0)
