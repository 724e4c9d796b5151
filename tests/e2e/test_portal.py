"""Browser flows of the public portal, as a visitor would use them."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot


def test_visitor_opens_the_portal_and_finds_a_service(page: Any) -> None:
    page.goto(page.base_url + "/")
    expect(page).to_have_title("公共服务门户 - 医疗保障公共服务平台")
    expect(page.get_by_role("heading", name="服务目录")).to_be_visible()
    for group in ["查询服务", "经办服务", "打印服务", "其他服务"]:
        expect(page.get_by_role("heading", name=group)).to_be_visible()
    screenshot(page, "portal-home-1366")

    page.get_by_label("搜索服务").fill("备案")
    page.get_by_role("button", name="搜索").click()

    expect(page).to_have_url(page.base_url + "/services/?q=%E5%A4%87%E6%A1%88")
    cards = page.locator(".service-card__name")
    expect(cards).to_have_text(
        [
            "异地就医备案信息查询",
            "异地安置退休人员备案",
            "异地长期居住人员备案",
            "常驻异地工作人员备案",
            "异地转诊备案",
        ]
    )
    page.get_by_role("link", name="异地转诊备案").click()  # a unit service: the hall asks for a login
    expect(page).to_have_url(page.base_url + "/hall/login/?next=/hall/operators/services/filing-referral/")


def test_directory_filters_by_service_type(page: Any) -> None:
    page.goto(page.base_url + "/services/")
    page.get_by_label("公用服务").check()
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name="其他服务")).to_be_visible()
    expect(page.get_by_role("heading", name="查询服务")).to_have_count(0)
    page.get_by_role("link", name="重置").click()
    expect(page.get_by_role("heading", name="查询服务")).to_be_visible()
    screenshot(page, "portal-directory-1366")


def test_portal_on_a_phone(phone_page: Any) -> None:
    page = phone_page
    page.goto(page.base_url + "/")
    expect(page.get_by_role("link", name="单位账号登录/经办人账号登录")).to_be_visible()
    # Nothing wider than the screen: no sideways scrolling on a phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(page, "portal-home-phone")


def test_region_picker_cascades_with_javascript(page: Any) -> None:
    page.goto(page.base_url + "/regions/")
    expect(page.get_by_role("button", name="选择")).to_be_hidden()
    page.get_by_label("省（自治区、直辖市）").select_option(label="云南省")
    expect(page.get_by_label("市（地区、州）").locator("option", has_text="昆明市")).to_have_count(1)
    page.get_by_label("市（地区、州）").select_option(label="昆明市")
    expect(page.get_by_label("区县").locator("option", has_text="西山区")).to_have_count(1)
    page.get_by_label("区县").select_option(label="西山区")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name="信息列表：云南省 / 昆明市 / 西山区（530112）")).to_be_visible()
    screenshot(page, "regions-picked")


def test_region_picker_works_without_javascript(browser: Any, live_server: Any, reference_data: None) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(live_server.url + "/regions/")
    page.get_by_label("省（自治区、直辖市）").select_option(label="河南省")
    page.get_by_role("button", name="选择").click()
    page.get_by_label("市（地区、州）").select_option(label="郑州市")
    page.get_by_role("button", name="选择").click()
    page.get_by_label("区县").select_option(label="金水区")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name="信息列表：河南省 / 郑州市 / 金水区（410105）")).to_be_visible()
    context.close()
