"""Browser flows of the public catalogue queries (公用服务), as a visitor would use them."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot


@pytest.fixture
def demo_catalog(reference_data: None) -> None:
    call_command("seed_catalog", stdout=StringIO())


def rows(page: Any) -> Any:
    return page.locator("table.catalog-table tbody tr")


def cells(page: Any, label: str) -> Any:
    return page.locator(f'table.catalog-table tbody td[data-label="{label}"]')


def test_pharmacy_query_filters_pages_resets_and_opens_a_pharmacy(page: Any, demo_catalog: None) -> None:
    page.goto(page.base_url + "/services/?type=public")
    page.get_by_role("link", name="定点零售药店查询").click()
    expect(page).to_have_title("定点零售药店查询 - 医疗保障公共服务平台")
    expect(page.get_by_role("heading", name="零售药店信息列表")).to_be_visible()
    page.wait_for_load_state("load")  # the cascade's script is ready (a click does not wait for it)

    page.get_by_label("省（自治区、直辖市）").select_option(label="云南省")
    expect(page.get_by_label("市（地区、州）").locator("option", has_text="昆明市")).to_have_count(1)
    page.get_by_label("市（地区、州）").select_option(label="昆明市")
    page.get_by_role("button", name="查询").click()

    expect(page).to_have_url(re.compile(r"admdvs_0=530000&admdvs_1=530100"))
    expect(cells(page, "所在区域").first).to_contain_text("云南省昆明市")
    expect(cells(page, "序号").first).to_have_text("1")
    screenshot(page, "catalog-pharmacies-1366")

    page.get_by_role("link", name="下一页").click()
    expect(cells(page, "序号").first).to_have_text("21")
    expect(page.get_by_label("市（地区、州）")).to_have_value("530100")  # the filter stays on page 2

    page.get_by_label("药店名称").fill("kydyf")  # 康源大药房, by its initials
    page.get_by_role("button", name="查询").click()
    names = cells(page, "药店名称")
    expect(names.first).to_contain_text("康源大药房")
    assert all("康源大药房" in text for text in names.all_inner_texts())

    first = names.first.inner_text()
    names.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first)
    expect(page.get_by_text(re.compile(r"^1[3-9]\d\*{4}\d{4}$"))).to_be_visible()  # masked mobile
    screenshot(page, "catalog-pharmacy-detail-1366")

    page.get_by_role("link", name="返回查询").click()
    page.get_by_role("link", name="重置").click()
    expect(page).to_have_url(page.base_url + "/catalog/pharmacies/")
    expect(page.get_by_label("省（自治区、直辖市）")).to_have_value("")


def test_institution_query_by_level_and_name(page: Any, demo_catalog: None) -> None:
    page.goto(page.base_url + "/catalog/institutions/")
    page.get_by_label("医院等级").select_option(label="三级甲等")
    page.get_by_label("医疗机构名称").fill("人民医院")
    page.get_by_role("button", name="查询").click()

    expect(cells(page, "医院等级").first).to_have_text("三级甲等")
    assert set(cells(page, "医院等级").all_inner_texts()) == {"三级甲等"}
    assert all("人民医院" in text for text in cells(page, "医疗机构名称").all_inner_texts())
    screenshot(page, "catalog-institutions-1366")

    cells(page, "医疗机构名称").first.get_by_role("link").click()
    expect(page.get_by_text("定点医疗机构", exact=True)).to_be_visible()
    expect(page.get_by_text("三级甲等", exact=True)).to_be_visible()

    page.goto(page.base_url + "/catalog/institutions/?name=%E4%B8%8D%E5%AD%98%E5%9C%A8")
    expect(page.get_by_text("暂无内容")).to_be_visible()


def test_agency_query_by_region(page: Any, demo_catalog: None) -> None:
    page.goto(page.base_url + "/catalog/agencies/")
    page.get_by_label("省（自治区、直辖市）").select_option(label="北京市")
    page.get_by_role("button", name="查询").click()
    expect(cells(page, "所在区域").first).to_contain_text("北京市")
    assert all(text.startswith("北京市") for text in cells(page, "所在区域").all_inner_texts())
    screenshot(page, "catalog-agencies-1366")

    cells(page, "经办机构名称").first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="经办机构信息")).to_be_visible()
    expect(page.get_by_text(re.compile("工作日|周一至周六"))).to_be_visible()


def test_drug_query_by_pinyin_category_and_form(page: Any, demo_catalog: None) -> None:
    page.goto(page.base_url + "/catalog/drugs/")
    page.get_by_label("药品名称").fill("amxl")
    page.get_by_role("button", name="查询").click()

    expect(page).to_have_url(re.compile(r"name=amxl"))
    expect(cells(page, "注册名称").first).to_contain_text("阿莫西林")
    assert all(text.startswith("阿莫西林") for text in cells(page, "注册名称").all_inner_texts())

    page.get_by_label("甲乙类").select_option(label="甲类")
    page.get_by_label("剂型").select_option(label="胶囊剂")
    page.get_by_role("button", name="查询").click()
    expect(cells(page, "注册名称").first).to_have_text("阿莫西林胶囊")
    assert set(cells(page, "甲乙类").all_inner_texts()) == {"甲类"}
    assert set(cells(page, "剂型").all_inner_texts()) == {"胶囊剂"}
    screenshot(page, "catalog-drugs-1366")

    page.get_by_label("药品名称").fill("奥美拉唑钠")
    page.get_by_label("甲乙类").select_option(label="全部")
    page.get_by_label("剂型").select_option(label="全部")
    page.get_by_role("button", name="查询").click()
    expect(cells(page, "限定支付范围").first).to_contain_text("禁食医嘱")
    cells(page, "注册名称").first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("注射用奥美拉唑钠")
    expect(page.get_by_text("西药", exact=True)).to_be_visible()

    page.get_by_role("link", name="医保药品信息查询").click()
    page.get_by_label("药品名称").fill("青霉素V钾片")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("暂无内容")).to_be_visible()
    page.get_by_role("link", name="重置").click()
    expect(page.get_by_label("药品名称")).to_have_value("")
    expect(rows(page)).to_have_count(20)


def test_service_item_query_by_region_and_name(page: Any, demo_catalog: None) -> None:
    page.goto(page.base_url + "/catalog/service-items/")
    expect(page.get_by_role("group", name="选择区域")).to_be_visible()
    page.get_by_label("省（自治区、直辖市）").select_option(label="云南省")
    page.get_by_label("市（地区、州）").select_option(label="昆明市")
    page.get_by_label("名称", exact=True).fill("床位")
    page.get_by_role("button", name="查询").click()

    # The province's bed fees and 昆明市's own.
    expect(rows(page)).to_have_count(6)
    regions = page.locator("td[data-label=名称] .catalog-table__sub").all_inner_texts()
    assert sorted(set(regions)) == ["云南省", "云南省昆明市"]
    screenshot(page, "catalog-service-items-1366")

    page.get_by_role("link", name="普通病房床位费（三人间及以上）").first.click()
    expect(page.get_by_text("服务设施", exact=True)).to_be_visible()
    expect(page.get_by_text("空调费、取暖费另计")).to_be_visible()


def test_catalog_queries_on_a_phone(phone_page: Any, demo_catalog: None) -> None:
    page = phone_page
    page.goto(page.base_url + "/catalog/drugs/")
    page.get_by_label("药品名称").fill("布洛芬")
    page.get_by_role("button", name="查询").click()
    expect(cells(page, "注册名称").first).to_contain_text("布洛芬")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(page, "catalog-drugs-phone", full_page=False)

    page.goto(page.base_url + "/catalog/pharmacies/?admdvs_0=410000&admdvs_1=410100")
    expect(cells(page, "所在区域").first).to_contain_text("河南省郑州市")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "catalog-pharmacies-phone", full_page=False)

    cells(page, "药店名称").first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="零售药店信息")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "catalog-pharmacy-detail-phone")
