"""访问招采系统 in a browser: an operator of a certified 招采企业 switches 常用服务 to 招采企业服务,
opens 访问招采系统 and 进入招采系统; the page's form carries the signed token by POST to a test
receiver on 127.0.0.1, which verifies it and greets the unit. The receiver refuses the same token
again (replayed jti), a token signed with another key and an expired one. Without configuration
the page says why the service is unavailable; an operator without the grant is told 无权限."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_operators import login_operator
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import BindingFactory, UnitFactory, grant
from yibao.operators.models import Binding
from yibao.procurement.receiver import receiver_app
from yibao.procurement.tokens import HandOff, token_issue

KEY = "x8Jc2mQ9vT4wZr7LpN3bH6yK0dF5sA1gE2uV9oR4tY7iW"


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Receiver:
    url: str
    received: list[str] = field(default_factory=list)

    def post(self, token: str) -> tuple[int, str]:
        body = urllib.parse.urlencode({"token": token}).encode()
        try:
            with urllib.request.urlopen(urllib.request.Request(self.url, data=body), timeout=5) as answer:  # noqa: S310 - 127.0.0.1
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as refused:
            return refused.code, refused.read().decode()


def serve(key: str) -> Iterator[Receiver]:
    received: list[str] = []
    server = make_server(
        "127.0.0.1", 0, receiver_app(key=key.encode(), received=received), handler_class=QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Receiver(url=f"http://127.0.0.1:{server.server_port}/sso/yibao", received=received)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from serve(KEY)


@pytest.fixture
def stranger() -> Iterator[Receiver]:
    """A receiver holding another key."""
    yield from serve("q" + KEY[1:][::-1])


def enterprise() -> Binding:
    unit = UnitFactory.create(name="北京医药集团有限公司", roles=["insured", "procurement"])
    return grant(BindingFactory.create(unit=unit), "procurement-system")


def open_service(page: Any) -> None:
    page.goto(page.base_url + "/hall/")
    page.get_by_role("link", name="招采企业服务").click()
    page.locator(".service-tile", has_text="访问招采系统").get_by_role("link").click()
    expect(page.get_by_role("heading", name="访问招采系统")).to_be_visible()


def test_the_operator_is_handed_over_with_a_verified_token(
    page: Any, settings: Any, receiver: Receiver
) -> None:
    settings.YIBAO_PROCUREMENT_URL = receiver.url
    settings.YIBAO_PROCUREMENT_SIGNING_KEY = KEY
    binding = enterprise()
    login_operator(page, binding.operator.mobile, binding.unit.name)
    open_service(page)
    screenshot(page, "procurement-handoff")
    page.get_by_role("button", name="进入招采系统").click()
    expect(page.get_by_role("heading", name="令牌验证通过，欢迎进入招采系统")).to_be_visible()
    expect(page.get_by_text("北京医药集团有限公司")).to_be_visible()
    expect(page.get_by_text(binding.unit.uscc)).to_be_visible()
    assert page.url == receiver.url
    screenshot(page, "procurement-received")
    assert AuditEvent.objects.filter(action="procurement_handoff", unit=binding.unit).count() == 1

    (token,) = receiver.received
    status, body = receiver.post(token)  # the same token again
    assert status == 401 and "令牌已使用过，请重新从医保网厅进入" in body

    expired, _ = token_issue(
        HandOff(uscc=binding.unit.uscc, unit_name=binding.unit.name, operator_id=str(binding.operator_id)),
        key=KEY.encode(), lifetime=60, now=time.time() - 600,
    )  # fmt: skip
    status, body = receiver.post(expired)
    assert status == 401 and "令牌已过期" in body


def test_a_receiver_with_another_key_refuses_the_token(page: Any, settings: Any, stranger: Receiver) -> None:
    settings.YIBAO_PROCUREMENT_URL = stranger.url
    settings.YIBAO_PROCUREMENT_SIGNING_KEY = KEY
    binding = enterprise()
    login_operator(page, binding.operator.mobile, binding.unit.name)
    open_service(page)
    page.get_by_role("button", name="进入招采系统").click()
    expect(page.get_by_role("heading", name="令牌验证未通过")).to_be_visible()
    expect(page.get_by_text("令牌签名无效")).to_be_visible()


def test_without_configuration_the_service_says_why(page: Any, settings: Any) -> None:
    settings.YIBAO_PROCUREMENT_URL = ""
    binding = enterprise()
    login_operator(page, binding.operator.mobile, binding.unit.name)
    page.goto(page.base_url + "/hall/?tab=procurement")
    expect(page.locator(".service-tile", has_text="访问招采系统")).to_contain_text("暂不可用：未配置招采系统")
    open_service(page)
    expect(page.get_by_role("heading", name="招采系统暂不可用")).to_be_visible()
    expect(page.get_by_text("本网厅尚未配置招采系统的访问地址和对接密钥")).to_be_visible()
    expect(page.get_by_role("button", name="进入招采系统")).to_have_count(0)
    screenshot(page, "procurement-unavailable")


def test_an_operator_without_the_grant_is_told_so(page: Any, settings: Any, receiver: Receiver) -> None:
    settings.YIBAO_PROCUREMENT_URL = receiver.url
    settings.YIBAO_PROCUREMENT_SIGNING_KEY = KEY
    unit = UnitFactory.create(roles=["insured", "procurement"])
    binding = BindingFactory.create(unit=unit)
    login_operator(page, binding.operator.mobile, unit.name)
    page.goto(page.base_url + "/hall/?tab=procurement")
    tile = page.locator(".service-tile", has_text="访问招采系统")
    expect(tile).to_contain_text("无权限")
    tile.get_by_role("link").click()
    expect(page.get_by_role("button", name="进入招采系统")).to_have_count(0)
    assert receiver.received == []
