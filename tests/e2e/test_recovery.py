"""找回密码 in a browser, each of the three ways; the code is read from the development outbox."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_registration import read_code_from_outbox
from yibao.core.tests.factories import BindingFactory

NEW = "Newpass12345"


def finish(page: Any, phone: str) -> None:
    """Top to bottom: the new password, the captcha, 发送验证码 — then only the code is typed."""
    page.get_by_label("新密码").fill(NEW)
    page.get_by_label("确认密码").fill(NEW)
    page.get_by_label("图形验证码").fill("PASSED")
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_text(re.compile("短信验证码已发送至"))).to_be_visible()
    expect(page.get_by_label("新密码")).to_have_value(NEW)
    expect(page.get_by_label("确认密码")).to_have_value(NEW)
    code = read_code_from_outbox(page, phone)
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="立即认证").click()
    expect(page.get_by_role("heading", name="新密码设置成功")).to_be_visible()


def test_unit_recovers_by_uscc(page: Any) -> None:
    binding = BindingFactory.create()
    unit = binding.unit
    page.goto(page.base_url + "/hall/login/")
    page.get_by_role("link", name="忘记密码").click()
    page.get_by_role("link", name="通过统一社会信用代码找回单位密码").click()
    page.get_by_label("单位名称").fill(unit.name)
    page.get_by_label("统一社会信用代码").fill(unit.uscc)
    page.get_by_label("法人姓名").fill(unit.legal_rep_name)
    page.get_by_label("法人证件号码").fill(unit.legal_rep_cert_no)
    page.get_by_label("经办人", exact=True).check()
    page.get_by_label("验证人名称").fill(binding.operator.name)
    page.get_by_label("经办人手机号").fill(binding.operator.mobile)
    screenshot(page, "recovery-unit-uscc")
    finish(page, binding.operator.mobile)
    expect(page.locator(".summary")).to_contain_text(unit.account.username)


def test_a_new_operator_recovers_the_unit_with_their_own_phone(page: Any) -> None:
    """Yunnan 000 §1.1: with the 法人 as verifier, the new operator may give their own phone."""
    binding = BindingFactory.create()
    unit = binding.unit
    page.goto(page.base_url + "/hall/password-recovery/unit-uscc/")
    page.get_by_label("单位名称").fill(unit.name)
    page.get_by_label("统一社会信用代码").fill(unit.uscc)
    page.get_by_label("法人姓名").fill(unit.legal_rep_name)
    page.get_by_label("法人证件号码").fill(unit.legal_rep_cert_no)
    page.get_by_label("法人", exact=True).check()
    page.get_by_label("验证人名称").fill(unit.legal_rep_name)
    page.get_by_label("经办人手机号").fill("13700002222")
    screenshot(page, "recovery-unit-uscc-legal-rep")
    finish(page, "13700002222")
    expect(page.locator(".summary")).to_contain_text(unit.account.username)


def test_unit_recovers_by_account(page: Any) -> None:
    binding = BindingFactory.create()
    page.goto(page.base_url + "/hall/password-recovery/")
    page.get_by_role("link", name="通过单位账号找回单位密码").click()
    page.get_by_label("单位账号").fill(binding.unit.account.username)
    page.get_by_label("统一社会信用代码").fill(binding.unit.uscc)
    page.get_by_label("经办人姓名").fill(binding.operator.name)
    page.get_by_label("经办人手机号").fill(binding.operator.mobile)
    finish(page, binding.operator.mobile)


def test_operator_recovers_and_logs_in_with_the_new_password(page: Any) -> None:
    binding = BindingFactory.create()
    operator = binding.operator
    page.goto(page.base_url + "/hall/password-recovery/")
    page.get_by_role("link", name="通过经办人手机号找回经办人密码").click()
    page.get_by_label("经办人手机号").fill(operator.mobile)
    page.get_by_label("经办人身份证").fill(operator.cert_no)
    finish(page, operator.mobile)
    page.get_by_role("link", name=re.compile("去登录")).click()
    page.get_by_label("经办人手机号").fill(operator.mobile)
    page.get_by_label("密码").fill(NEW)
    page.get_by_label("图形验证码").fill("PASSED")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="选择单位")).to_be_visible()
