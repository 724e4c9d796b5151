"""Logging in as a person would: unit account, USCC, operator with unit choice and switching."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from yibao.core.tests.factories import BindingFactory, UnitFactory

PASSWORD = "Yibao2026test"


def fill_captcha(page: Any) -> None:
    # Development affordance (DESIGN §6): the captcha also accepts PASSED in tests.
    page.get_by_label("图形验证码").fill("PASSED")


def test_unit_admin_logs_in_with_the_uscc_and_logs_out(page: Any) -> None:
    unit = UnitFactory.create()
    page.goto(page.base_url + "/")
    page.get_by_role("link", name="单位账号登录/经办人账号登录").click()
    expect(page.get_by_role("heading", name="单位账号登录")).to_be_visible()
    page.get_by_label("单位账号/统一社会信用代码").fill(unit.uscc)
    page.get_by_label("密码").fill("wrong-password1")
    fill_captcha(page)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".error-summary")).to_contain_text("账号或密码错误，还可尝试4次")
    expect(page.get_by_label("单位账号/统一社会信用代码")).to_have_value(unit.uscc)
    screenshot(page, "login-error")

    page.get_by_label("密码").fill(PASSWORD)
    fill_captcha(page)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="单位管理首页")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text(unit.name)
    screenshot(page, "unit-home")

    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_text("您已安全退出登录")).to_be_visible()


def test_operator_chooses_a_unit_then_switches_in_the_header(page: Any) -> None:
    first = BindingFactory.create()
    second = BindingFactory.create(operator=first.operator)
    page.goto(page.base_url + "/hall/login/")
    page.get_by_role("link", name="经办人账号登录", exact=True).click()
    page.get_by_label("经办人手机号").fill(first.operator.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    fill_captcha(page)
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", name="选择单位")).to_be_visible()
    page.get_by_role("button", name="确认登录").click()
    expect(page.locator(".error-summary")).to_contain_text("请选择要登录的单位")
    page.get_by_label(first.unit.name).check()
    page.get_by_role("button", name="确认登录").click()

    expect(page.get_by_role("heading", name="单位网厅首页")).to_be_visible()
    expect(page.get_by_label("当前单位")).to_have_value(str(first.unit.pk))
    page.get_by_label("当前单位").select_option(str(second.unit.pk))
    page.get_by_role("button", name="切换单位").click()
    expect(page.get_by_text(f"已切换到：{second.unit.name}")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text(second.unit.name)
    screenshot(page, "operator-home")


def test_the_captcha_picture_changes_on_click(page: Any) -> None:
    page.goto(page.base_url + "/hall/login/")
    image = page.locator(".captcha-box img")
    before = image.get_attribute("src")
    image.click()
    expect(image).not_to_have_attribute("src", before or "")


def test_lockout_and_unlock_after_the_window(page: Any, monkeypatch: Any) -> None:
    from tests.clock import Clock
    from yibao.accounts import lockout

    clock = Clock()
    monkeypatch.setattr(lockout, "_now", clock)  # the live server runs in this process
    unit = UnitFactory.create()

    def attempt(password: str) -> None:
        page.get_by_label("单位账号/统一社会信用代码").fill(unit.account.username)
        page.get_by_label("密码").fill(password)
        fill_captcha(page)
        page.get_by_role("button", name="登录").click()

    page.goto(page.base_url + "/hall/login/")
    for left in (4, 3, 2, 1):  # each failure says how many tries are left (issue 20 item 17)
        attempt("Wrong123456")
        expect(page.locator(".error-summary")).to_contain_text(f"还可尝试{left}次")
    attempt("Wrong123456")
    # The lock is not a typing error: its own box, not «提交的信息有误，请修改后重试».
    expect(page.get_by_role("heading", name="账户已锁定")).to_be_visible()
    expect(page.locator(".blocked-box")).to_contain_text("登录失败次数过多，账户已被锁定，请10分钟后再试")
    expect(page.get_by_text("提交的信息有误，请修改后重试")).to_have_count(0)
    attempt(PASSWORD)
    expect(page.locator(".blocked-box")).to_contain_text("账户已被锁定")
    screenshot(page, "login-locked")

    clock.move(minutes=10)
    attempt(PASSWORD)
    expect(page.get_by_role("heading", name="单位管理首页")).to_be_visible()


def test_a_mobile_in_the_unit_tab_is_taken_to_the_operator_tab(page: Any) -> None:
    binding = BindingFactory.create()
    page.goto(page.base_url + "/hall/login/")
    page.get_by_label("单位账号/统一社会信用代码").fill(binding.operator.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    fill_captcha(page)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="经办人账号登录")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("手机号码是经办人账号")
    expect(page.get_by_label("经办人手机号")).to_have_value(binding.operator.mobile)
    expect(page.get_by_label("密码")).to_have_value(PASSWORD)
    screenshot(page, "login-switched-to-operator")
    fill_captcha(page)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="选择单位")).to_be_visible()


def test_beijing_logs_both_kinds_in_through_one_box(page: Any, settings: Any) -> None:
    settings.YIBAO_PROFILE = "beijing"
    binding = BindingFactory.create()
    page.goto(page.base_url + "/hall/login/")
    expect(page.get_by_role("link", name="经办人账号登录", exact=True)).to_have_count(0)
    page.get_by_label("单位账号/经办人账号").fill(binding.operator.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    fill_captcha(page)
    screenshot(page, "login-beijing")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="选择单位")).to_be_visible()


def test_an_operator_opening_a_unit_admin_page_is_told_what_to_do(page: Any) -> None:
    binding = BindingFactory.create()
    page.goto(page.base_url + "/hall/login/?tab=operator")
    page.get_by_label("经办人手机号").fill(binding.operator.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    fill_captcha(page)
    page.get_by_role("button", name="登录").click()
    page.get_by_label(binding.unit.name).check()
    page.get_by_role("button", name="确认登录").click()
    expect(page.get_by_role("heading", name="单位网厅首页")).to_be_visible()

    page.goto(page.base_url + f"/hall/operators/{binding.pk}/grants/")
    expect(page.get_by_role("heading", name="此页面需使用单位管理账号登录")).to_be_visible()
    expect(page.get_by_text("请退出后在“单位账号登录”中使用单位账号登录")).to_be_visible()
    screenshot(page, "wrong-account-operator")
    page.get_by_role("main").get_by_role("link", name="返回单位网厅首页").click()
    expect(page.get_by_role("heading", name="单位网厅首页")).to_be_visible()
