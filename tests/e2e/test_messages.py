"""我的消息 of the unit admin and 系统通知 of the operator, in a browser: the nav's unread
badge, opening a message, 全部标为已读."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_self_service import login_operator
from yibao.core.tests.factories import BindingFactory, UnitFactory
from yibao.notices.models import Message
from yibao.notices.services import message_send


def nav_badge(page: Any) -> Any:
    return page.locator("nav.hall__nav .badge")


def test_unit_admin_reads_my_messages(page: Any) -> None:
    unit = UnitFactory.create()
    message_send(
        unit=unit, title="资质认证已通过", body="您单位提交的资质认证已审核通过。", category="certification"
    )
    message_send(unit=unit, title="新增经办人成功", body="经办人李娜已绑定到本单位。", category="operator")
    message_send(unit=unit, title="系统维护通知", body="本周六 22:00 至 24:00 系统维护。")

    page.goto(page.base_url + "/hall/login/")
    page.get_by_label("单位账号/统一社会信用代码").fill(unit.account.username)
    page.get_by_label("密码").fill("Yibao2026test")
    page.get_by_label("图形验证码").fill("PASSED")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="单位管理首页")).to_be_visible()
    expect(nav_badge(page)).to_have_text("3")

    page.get_by_role("link", name=re.compile("^我的消息")).click()
    expect(page.get_by_role("heading", name="我的消息")).to_be_visible()
    expect(page.locator(".message-summary")).to_have_text("您有 3 条未读消息")
    expect(page.locator(".message-row--unread")).to_have_count(3)
    screenshot(page, "messages-unit-list")

    page.get_by_role("link", name="资质认证已通过").click()
    expect(page.get_by_role("heading", name="资质认证已通过")).to_be_visible()
    expect(page.get_by_text("您单位提交的资质认证已审核通过。")).to_be_visible()
    expect(nav_badge(page)).to_have_text("2")
    screenshot(page, "messages-unit-detail")

    page.get_by_role("link", name="返回列表").click()
    row = page.get_by_role("row", name=re.compile("资质认证已通过"))
    expect(row).to_contain_text("已读")
    page.get_by_label("状态").select_option(label="未读")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".message-table tbody tr")).to_have_count(2)

    page.get_by_role("button", name="全部标为已读").click()
    expect(page.get_by_text("已将全部消息标为已读")).to_be_visible()
    expect(page.get_by_text("没有未读消息")).to_be_visible()
    expect(nav_badge(page)).to_have_count(0)
    expect(page.get_by_role("button", name="全部标为已读")).to_have_count(0)
    assert Message.objects.filter(unit=unit, read_at__isnull=True).count() == 0


def test_operator_reads_system_notifications(page: Any) -> None:
    binding = BindingFactory.create()
    operator = binding.operator
    message_send(
        operator=operator,
        unit=binding.unit,
        title="您已被授权办理业务",
        body="可办理参保登记。",
        category="operator",
    )
    message_send(operator=operator, title="密码已重置", body="您的登录密码已由单位管理员重置。")
    message_send(unit=binding.unit, title="单位管理员的消息")

    login_operator(page, operator.mobile)
    page.get_by_label(binding.unit.name).check()
    page.get_by_role("button", name="确认登录").click()
    expect(page.get_by_label("当前单位")).to_have_value(str(binding.unit.pk))
    expect(nav_badge(page)).to_have_text("2")

    page.get_by_role("link", name=re.compile("^系统通知")).click()
    expect(page.get_by_role("heading", name="系统通知")).to_be_visible()
    expect(page.locator(".message-table tbody tr")).to_have_count(2)
    expect(page.get_by_text("单位管理员的消息")).to_have_count(0)
    expect(page.get_by_role("row", name=re.compile("您已被授权办理业务"))).to_contain_text(binding.unit.name)
    screenshot(page, "messages-operator-list")

    page.get_by_role("link", name="您已被授权办理业务").click()
    expect(page.get_by_text("可办理参保登记。")).to_be_visible()
    expect(nav_badge(page)).to_have_text("1")

    page.get_by_role("link", name="返回列表").click()
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.get_by_text("已将全部消息标为已读")).to_be_visible()
    expect(nav_badge(page)).to_have_count(0)
    screenshot(page, "messages-operator-list-read")
    assert Message.objects.filter(operator=operator, read_at__isnull=True).count() == 0
