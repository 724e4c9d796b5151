"""个人中心 → 账户管理 in a browser: each change asks for confirmation before saving."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_registration import read_code_from_outbox
from yibao.core.tests.factories import BindingFactory


def login_operator(page: Any, mobile: str, password: str = "Yibao2026test") -> None:
    page.goto(page.base_url + "/hall/login/?tab=operator")
    page.get_by_label("经办人手机号").fill(mobile)
    page.get_by_label("密码").fill(password)
    page.get_by_label("图形验证码").fill("PASSED")
    page.get_by_role("button", name="登录").click()


def test_operator_changes_password_email_and_address(page: Any) -> None:
    binding = BindingFactory.create()
    operator = binding.operator
    login_operator(page, operator.mobile)
    page.get_by_label(binding.unit.name).check()
    page.get_by_role("button", name="确认登录").click()
    page.get_by_role("link", name="账户管理").click()

    page.get_by_role("link", name="更换邮箱").click()
    page.get_by_label("邮箱").fill("li.na@example.cn")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("您当前正在进行数据变更操作，请确定是否继续？")).to_be_visible()
    screenshot(page, "account-confirm")
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("更新经办人信息成功")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text("li.na@example.cn")

    page.get_by_role("link", name="个人地址").click()
    page.get_by_label("个人地址").fill("云南省昆明市五华区人民中路1号")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="确定").click()
    expect(page.locator(".summary")).to_contain_text("云南省昆明市五华区人民中路1号")

    page.get_by_role("link", name="更换密码").click()
    page.get_by_label("证件号码").fill(operator.cert_no)
    page.get_by_label("图形验证码").fill("PASSED")
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_text(re.compile("短信验证码已发送至"))).to_be_visible()
    code = read_code_from_outbox(page, operator.mobile)
    page.get_by_label("证件号码").fill(operator.cert_no)
    page.get_by_label("新密码").fill("Changed12345")
    page.get_by_label("确认密码").fill("Changed12345")
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="确定").click()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("修改密码成功")).to_be_visible()

    page.get_by_role("button", name="退出登录").click()
    login_operator(page, operator.mobile, "Changed12345")
    expect(page.get_by_role("heading", name="选择单位")).to_be_visible()
