"""数字证书 with the development certificate driver, as a person would: 数字证书注册 → the wizard
with name and USCC locked → 注册完成 → CA login works; on 数字证书 the unit admin binds a new
certificate and unbinds it, after which the CA login is refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_registration import read_code_from_outbox
from yibao.core.tests.factories import UnitFactory
from yibao.pki.agent import AgentStore, agent_start_in_thread
from yibao.pki.issuing import agent_store_write
from yibao.pki.tests.fixtures import CaWorld, ca_world
from yibao.units.models import Unit

CERTIFICATE_PASSWORD = "Zhengshu2026"
USCC = "91110108MA01W8XK2X"
NAME = "北京云岭科技有限公司"


@pytest.fixture
def world(tmp_path: Path, settings: Any) -> CaWorld:
    settings.YIBAO_PROFILE = "beijing"
    return ca_world(tmp_path, settings)


@pytest.fixture
def driver(world: CaWorld, live_server: Any, settings: Any, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "agent"
    folder.mkdir()
    server = agent_start_in_thread(AgentStore(folder), origins={live_server.url})
    settings.YIBAO_CA_AGENT_URL = f"http://127.0.0.1:{server.server_address[1]}"
    yield folder
    server.shutdown()
    server.server_close()


def choose_and_sign(page: Any, label: str, button: str) -> None:
    choice = page.get_by_label("选择 CA 证书")
    expect(choice).to_be_enabled()
    choice.select_option(label=choice.locator("option", has_text=label).first.inner_text())
    page.get_by_label("证书密码").fill(CERTIFICATE_PASSWORD)
    page.get_by_role("button", name=button).click()


def ca_login(page: Any, label: str) -> None:
    page.goto(page.base_url + "/hall/login/ca/")
    choose_and_sign(page, label, "确认登录")


def test_register_by_certificate_then_log_in_by_it(page: Any, world: CaWorld, driver: Path) -> None:
    agent_store_write(driver, "new", world.unit(NAME, USCC), world.hierarchy, password=CERTIFICATE_PASSWORD)
    page.goto(page.base_url + "/hall/login/ca/")
    page.get_by_role("link", name="数字证书注册").click()
    expect(page.get_by_role("heading", name="单位信息注册")).to_be_visible()
    choice = page.get_by_label("选择 CA 证书")
    expect(choice).to_be_enabled()
    choice.select_option(label=choice.locator("option", has_text=NAME).inner_text())
    # the certificate's unit is shown before 【验证】, as the manual's page does
    expect(page.get_by_label("单位名称")).to_have_value(NAME)
    expect(page.get_by_label("统一社会信用代码")).to_have_value(USCC)
    page.get_by_label("证书密码").fill(CERTIFICATE_PASSWORD)
    screenshot(page, "ca-register")
    page.get_by_role("button", name="验证").click()

    expect(page.get_by_text("已由数字证书验证，不可修改").first).to_be_visible()
    expect(page.get_by_label("单位名称")).to_have_value(NAME)
    expect(page.get_by_label("单位名称")).to_be_disabled()
    expect(page.get_by_label("统一社会信用代码")).to_be_disabled()
    page.get_by_label("账号", exact=True).fill("dwca2026e2e")
    page.get_by_label("密码", exact=True).fill("Abcd12345678")
    page.get_by_label("确认密码").fill("Abcd12345678")
    page.get_by_label("机构类型").select_option(label="企业")
    page.get_by_label("省（自治区、直辖市）").select_option(label="北京市")
    page.get_by_label("市（地区、州）").select_option(index=1)
    page.get_by_label("区县").select_option(index=1)
    page.get_by_label("单位注册地址").fill("北京市海淀区中关村大街1号")
    page.get_by_label("法定代表人姓名").fill("张伟")
    page.get_by_label("法定代表人证件号码").fill("530112199003071230")
    page.get_by_label("法定代表人移动电话").fill("13988887777")
    page.get_by_label("图形验证码").fill("PASSED")
    page.get_by_role("button", name="下一步").click()

    expect(page.locator("[aria-current=step]")).to_have_text("经办人信息")
    page.get_by_label("经办人手机号").fill("13812349999")
    page.get_by_label("经办人密码").fill("Efgh12345678")
    page.get_by_label("确认密码").fill("Efgh12345678")
    page.get_by_label("经办人姓名").fill("李娜")
    page.get_by_label("证件号码").fill("11010519491231002X")
    page.get_by_label("证件有效起始日期").fill("2020-01-01")
    page.get_by_label("证件有效截止日期").fill("2040-01-01")
    page.get_by_label("图形验证码").fill("PASSED")
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_text(re.compile("短信验证码已发送至"))).to_be_visible()
    page.get_by_label("短信验证码").fill(read_code_from_outbox(page, "13812349999"))
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="恭喜您，注册成功！")).to_be_visible()

    ca_login(page, NAME)
    expect(page.get_by_role("heading", name="单位管理首页")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text(NAME)

    # the same certificate cannot register the unit again
    page.get_by_role("button", name="退出登录").click()
    page.goto(page.base_url + "/hall/register/ca/")
    choose_and_sign(page, NAME, "验证")
    expect(page.locator(".error-summary")).to_contain_text("该统一社会信用代码已注册")
    expect(page.get_by_role("link", name="CA登录").first).to_be_visible()


def test_bind_and_unbind_on_the_certificate_page(page: Any, world: CaWorld, driver: Path) -> None:
    unit: Unit = UnitFactory.create()
    assert unit.account is not None
    agent_store_write(
        driver, "unit", world.unit(unit.name, unit.uscc), world.hierarchy, password=CERTIFICATE_PASSWORD
    )
    # not bound yet (a unit registered before binding existed): refused, with the way out
    ca_login(page, unit.name)
    expect(page.locator(".error-summary")).to_contain_text("该数字证书尚未绑定本单位")
    screenshot(page, "ca-login-not-bound")

    page.goto(page.base_url + "/hall/login/")
    page.get_by_label("单位账号/经办人账号").fill(unit.account.username)
    page.get_by_label("密码").fill("Yibao2026test")
    page.get_by_label("图形验证码").fill("PASSED")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="数字证书").click()
    expect(page.get_by_role("heading", name="数字证书", exact=True)).to_be_visible()
    expect(page.get_by_text("本单位尚未绑定数字证书")).to_be_visible()
    choose_and_sign(page, unit.name, "绑定")
    expect(page.get_by_text("绑定成功，该数字证书可用于单位 CA 登录")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)
    screenshot(page, "ca-certificates-bound")

    page.get_by_role("button", name="退出登录").click()
    ca_login(page, unit.name)
    expect(page.get_by_role("heading", name="单位管理首页")).to_be_visible()

    page.get_by_role("link", name="数字证书").click()
    page.get_by_role("link", name="解除绑定").click()
    expect(page.get_by_text("您确定要解除绑定该数字证书吗？")).to_be_visible()
    screenshot(page, "ca-certificate-unbind")
    page.get_by_role("button", name="确定解除绑定").click()
    expect(page.get_by_text("解除绑定成功")).to_be_visible()
    expect(page.get_by_text("本单位尚未绑定数字证书")).to_be_visible()

    page.get_by_role("button", name="退出登录").click()
    ca_login(page, unit.name)
    expect(page.locator(".error-summary")).to_contain_text("该数字证书尚未绑定本单位")
