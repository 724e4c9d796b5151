"""单位缴费信息查询 (filters, totals, 缴费明细导出 opened with calamine) and 个人缴费信息查询 (filters,
pages) in a browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from tests.e2e.conftest import export_download, screenshot
from tests.e2e.test_operators import login_operator
from yibao.contributions.periods import period_text
from yibao.contributions.tests.helpers import contribution_world
from yibao.core.masking import mask_id_number


def test_unit_query_filters_totals_and_export(page: Any, tmp_path: Path) -> None:
    world = contribution_world(timezone.localdate())
    login_operator(page, world.binding.operator.mobile, world.binding.unit.name)
    expect(page.get_by_role("heading", name="单位网厅首页")).to_be_visible()
    page.locator(".service-tile", has_text="单位缴费信息查询").get_by_role("link").click()
    expect(page.get_by_role("heading", name="单位缴费信息查询")).to_be_visible()
    rows = page.locator(".contribution-table tbody tr")
    expect(rows).to_have_count(3)
    totals = page.locator(".contribution-table__totals")
    expect(totals).to_contain_text("54,000.00")
    expect(totals).to_contain_text("5,400.00")
    expect(rows.first).to_contain_text("部分到账")
    screenshot(page, "contributions-unit")

    middle = period_text(world.months[1])
    page.get_by_label("起始年月").fill(middle)
    page.get_by_label("截止年月").fill(middle)
    page.get_by_label("险种类型").select_option(label="职工基本医疗保险")
    page.get_by_role("button", name="查询").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(middle)
    expect(totals).to_contain_text("18,000.00")

    page.get_by_role("button", name="缴费明细导出").click()
    target = tmp_path / "detail.xlsx"
    export_download(page, "缴费明细").save_as(target)
    page.get_by_role("link", name="返回查询").click()
    sheet = CalamineWorkbook.from_path(str(target)).get_sheet_by_name("缴费明细").to_python()
    assert sheet[0][:3] == ["费款所属期", "姓名", "证件号码"]
    assert sorted(r[2] for r in sheet[1:]) == sorted(mask_id_number(p.cert_no) for p in world.workers)
    assert {r[0] for r in sheet[1:]} == {middle}
    assert [r[4] for r in sheet[1:]] == [5000.0, 6000.0, 7000.0]  # 缴费基数, by person

    page.get_by_label("起始年月").fill("2020-01")
    page.get_by_label("截止年月").fill("2024-01")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".field__error")).to_contain_text("查询时间范围不能超过36个月")


def test_person_query_filters_and_pages(page: Any) -> None:
    world = contribution_world(timezone.localdate(), workers=8)
    login_operator(page, world.binding.operator.mobile, world.binding.unit.name)
    page.locator(".service-tile", has_text="个人缴费信息查询").get_by_role("link").click()
    expect(page.get_by_role("heading", name="个人缴费信息查询")).to_be_visible()
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".field__error")).to_contain_text("请输入证件号码或姓名")

    page.get_by_label("姓名").fill("王芳")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".contribution-results__count")).to_have_text("共 24 条")
    expect(page.locator(".contribution-table tbody tr")).to_have_count(20)
    expect(page.locator(".pagination__status")).to_have_text("第 1 页，共 2 页")
    screenshot(page, "contributions-person")
    page.get_by_role("button", name="下一页").click()
    expect(page.locator(".pagination__status")).to_have_text("第 2 页，共 2 页")
    expect(page.locator(".contribution-table tbody tr")).to_have_count(4)

    page.get_by_label("姓名").fill("")
    page.get_by_label("证件号码").fill(world.workers[0].cert_no)
    page.get_by_label("到账状态").select_option(label="未到账")
    page.get_by_role("button", name="查询").click()
    rows = page.locator(".contribution-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(mask_id_number(world.workers[0].cert_no))
    expect(rows.first).to_contain_text(period_text(world.months[-1]))
    expect(page.locator(".contribution-table__totals")).to_contain_text("合计（1条）")
    assert world.workers[0].cert_no not in page.url
    screenshot(page, "contributions-person-filtered")
