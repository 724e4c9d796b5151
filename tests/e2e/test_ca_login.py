"""单位 CA 登录 as a person would: without a driver the page asks for one; with the development
driver (started here on a free 127.0.0.1 port) the unit's certificate is chosen, a wrong 证书密码
is refused by the driver, the right one logs the unit admin in."""

from __future__ import annotations

import socket
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from yibao.core.tests.factories import UnitFactory
from yibao.pki.agent import AgentStore, agent_start_in_thread
from yibao.pki.issuing import agent_store_write
from yibao.pki.tests.fixtures import ca_world
from yibao.pki.verification import certificate_identity
from yibao.units.models import Unit
from yibao.units.services import unit_certificate_bind

CERTIFICATE_PASSWORD = "Zhengshu2026"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_ca_login_with_the_development_driver(
    page: Any, live_server: Any, settings: Any, tmp_path: Any
) -> None:
    settings.YIBAO_PROFILE = "beijing"
    world = ca_world(tmp_path, settings)
    unit: Unit = UnitFactory.create()
    assert unit.account is not None
    issued = world.unit(unit.name, unit.uscc)
    agent_store_write(tmp_path / "agent", "unit", issued, world.hierarchy, password=CERTIFICATE_PASSWORD)
    # bound on the unit's 数字证书 page (tests/e2e/test_ca_certificates.py does it by hand)
    unit_certificate_bind(unit=unit, identity=certificate_identity(issued.certificate), actor=unit.account)

    # No driver listening: the page says to install one and leads to 下载 CA 证书驱动.
    settings.YIBAO_CA_AGENT_URL = f"http://127.0.0.1:{closed_port()}"
    page.goto(page.base_url + "/hall/login/")
    page.get_by_role("link", name="CA登录").click()
    expect(page.get_by_role("heading", name="单位 CA 登录")).to_be_visible()
    expect(page.get_by_text("请先安装证书驱动")).to_be_visible()
    screenshot(page, "ca-login-no-driver")
    page.get_by_role("link", name="下载 CA 证书驱动").first.click()
    expect(page.get_by_role("heading", name="下载 CA 证书驱动")).to_be_visible()

    driver = agent_start_in_thread(AgentStore(tmp_path / "agent"), origins={live_server.url})
    try:
        settings.YIBAO_CA_AGENT_URL = f"http://127.0.0.1:{driver.server_address[1]}"
        page.get_by_role("link", name="单位 CA 登录").click()
        choice = page.get_by_label("选择 CA 证书")
        expect(choice).to_be_enabled()
        expect(choice).to_contain_text(f"{unit.name}（{unit.uscc}）")
        choice.select_option(label=choice.locator("option").nth(1).inner_text())

        page.get_by_label("证书密码").fill("wrong-password")
        page.get_by_role("button", name="确认登录").click()
        expect(page.get_by_role("status")).to_contain_text("证书密码错误，还可尝试4次")
        screenshot(page, "ca-login-wrong-password")

        page.get_by_label("证书密码").fill(CERTIFICATE_PASSWORD)
        page.get_by_role("button", name="确认登录").click()
        expect(page.get_by_role("heading", name="单位管理首页")).to_be_visible()
        expect(page.locator(".summary")).to_contain_text(unit.name)
        screenshot(page, "ca-login-unit-home")
    finally:
        driver.shutdown()
        driver.server_close()
