"""统一身份认证平台登录 as a person does it, against the test OpenID Connect provider (a real one,
in its own process): the button under 单位账号登录 leads to the platform's login page, and the
platform sends the person back — into the unit admin's home for a registered unit, into 单位注册
with 单位名称 and 统一社会信用代码 locked for a new one."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_registration import read_code_from_outbox
from tests.oidc_provider.fixtures import PASSWORD, Provider
from yibao.core.tests.factories import UnitFactory
from yibao.entry.models import PlatformIdentity
from yibao.units.models import Unit

USCC = "91530112MA6NQ2P807"
NAME = "昆明云岭科技有限公司"


def platform_login(page: Any, username: str) -> None:
    page.goto(page.base_url + "/hall/login/")
    page.get_by_role("button", name="北京市统一身份认证平台登录").click()
    expect(page.get_by_role("heading", name="统一身份认证平台（测试）")).to_be_visible()
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_registered_unit_logs_in_through_the_platform(page: Any, oidc_provider: Provider) -> None:
    unit: Unit = UnitFactory.create()
    username = oidc_provider.person_add("e2e-registered", uscc=unit.uscc, org_name=unit.name)
    page.goto(page.base_url + "/hall/login/")
    expect(page.get_by_role("button", name="北京市统一身份认证平台登录")).to_be_visible()
    screenshot(page, "oidc-login-button")
    platform_login(page, username)
    expect(page.get_by_role("heading", name="单位管理首页")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text(unit.name)
    screenshot(page, "oidc-login-unit-home")
    assert PlatformIdentity.objects.get().unit == unit


def test_a_new_unit_registers_from_the_platform_identity(page: Any, oidc_provider: Provider) -> None:
    username = oidc_provider.person_add("e2e-new", uscc=USCC, org_name=NAME)
    platform_login(page, username)

    expect(page.get_by_role("heading", name="单位信息注册")).to_be_visible()
    expect(page.get_by_label("单位名称")).to_have_value(NAME)
    expect(page.get_by_label("单位名称")).to_be_disabled()
    expect(page.get_by_label("统一社会信用代码")).to_have_value(USCC)
    expect(page.get_by_label("统一社会信用代码")).to_be_disabled()
    expect(page.get_by_text("已由统一身份认证平台验证，不可修改").first).to_be_visible()
    screenshot(page, "oidc-register-locked")
    page.get_by_label("账号", exact=True).fill("dwoidc2026")
    page.get_by_label("密码", exact=True).fill("Abcd12345678")
    page.get_by_label("确认密码").fill("Abcd12345678")
    page.get_by_label("机构类型").select_option(label="企业")
    page.get_by_label("省（自治区、直辖市）").select_option(label="云南省")
    page.get_by_label("市（地区、州）").select_option(label="昆明市")
    page.get_by_label("区县").select_option(label="西山区")
    page.get_by_label("单位注册地址").fill("云南省昆明市西山区滇池路100号")
    page.get_by_label("邮政编码").fill("650000")
    page.get_by_label("法定代表人姓名").fill("张伟")
    page.get_by_label("法定代表人证件号码").fill("530112199003071230")
    page.get_by_label("法定代表人移动电话").fill("13988887777")
    page.get_by_label("图形验证码").fill("PASSED")
    page.get_by_role("button", name="下一步").click()

    expect(page.locator("[aria-current=step]")).to_have_text("经办人信息")
    page.get_by_label("经办人手机号").fill("13812340000")
    page.get_by_label("经办人密码").fill("Efgh12345678")
    page.get_by_label("确认密码").fill("Efgh12345678")
    page.get_by_label("经办人姓名").fill("李娜")
    page.get_by_label("证件号码").fill("11010519491231002X")
    page.get_by_label("证件有效起始日期").fill("2020-01-01")
    page.get_by_label("证件有效截止日期").fill("2040-01-01")
    page.get_by_label("图形验证码").fill("PASSED")
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_text(re.compile("短信验证码已发送至138"))).to_be_visible()
    page.get_by_label("短信验证码").fill(read_code_from_outbox(page, "13812340000"))
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="恭喜您，注册成功！")).to_be_visible()
    screenshot(page, "oidc-register-done")
    unit = Unit.objects.get(uscc=USCC)
    assert (unit.name, PlatformIdentity.objects.get().unit) == (NAME, unit)

    # The same platform identity now logs in as the new unit's admin.
    page.context.clear_cookies()
    platform_login(page, username)
    expect(page.get_by_role("heading", name="单位管理首页")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text(NAME)
