"""单位经办人 management and the operator's hall, in a browser, as the manuals describe them."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_registration import read_code_from_outbox
from yibao.core.tests.factories import BindingFactory, UnitFactory, grant

PASSWORD = "Yibao2026test"
NEW_ID = "110101199003070011"


def login_unit_admin(page: Any, account: str) -> None:
    page.goto(page.base_url + "/hall/login/")
    page.get_by_label("单位账号/统一社会信用代码").fill(account)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("图形验证码").fill("PASSED")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="单位管理首页")).to_be_visible()


def login_operator(page: Any, mobile: str, unit_name: str, password: str = PASSWORD) -> None:
    page.goto(page.base_url + "/hall/login/?tab=operator")
    page.get_by_label("经办人手机号").fill(mobile)
    page.get_by_label("密码").fill(password)
    page.get_by_label("图形验证码").fill("PASSED")
    page.get_by_role("button", name="登录").click()
    if page.get_by_role("heading", name="选择单位").is_visible():
        page.get_by_label(unit_name).check()
        page.get_by_role("button", name="确认登录").click()


def read_sms(page: Any, mobile: str, pattern: str) -> str:
    outbox = page.context.new_page()
    outbox.goto(page.base_url + "/_dev/sms/")
    text = outbox.locator("tbody tr", has_text=mobile).first.inner_text()
    outbox.close()
    found = re.search(pattern, text)
    assert found is not None, text
    return found.group(1)


def open_operators(page: Any) -> None:
    page.get_by_role("link", name="单位经办人").click()
    expect(page.get_by_role("heading", name="单位经办人")).to_be_visible()


def test_add_a_new_operator_who_then_must_change_the_sms_password(page: Any) -> None:
    unit = UnitFactory.create()
    BindingFactory.create(unit=unit)
    login_unit_admin(page, unit.account.get_username())
    open_operators(page)
    page.get_by_role("link", name="新增经办人").click()
    page.get_by_label("手机号").fill("13500002222")
    page.get_by_label("姓名").fill("吴敏")
    page.get_by_label("证件号码").fill(NEW_ID)
    page.get_by_label("图形验证码").fill("PASSED")
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_text("短信验证码已发送至135****2222")).to_be_visible()
    page.get_by_label("短信验证码").fill(read_code_from_outbox(page, "13500002222"))
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("您当前正在进行数据变更操作，请确定是否继续？")).to_be_visible()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("绑定经办人成功，请为经办人授权")).to_be_visible()
    expect(page.locator("tbody")).to_contain_text("吴敏")
    expect(page.locator("tbody")).to_contain_text("135****2222")
    screenshot(page, "operators-list")

    password = read_sms(page, "13500002222", r"初始密码：(\w+)，")
    page.get_by_role("button", name="退出登录").click()
    login_operator(page, "13500002222", unit.name, password=password)
    expect(page.get_by_text("您的密码由他人设置，为保障账户安全，请先修改密码后再办理业务。")).to_be_visible()


def test_add_an_existing_operator_with_codes_only(page: Any) -> None:
    other = BindingFactory.create()
    unit = UnitFactory.create()
    BindingFactory.create(unit=unit)
    login_unit_admin(page, unit.account.get_username())
    open_operators(page)
    page.get_by_role("link", name="新增经办人").click()
    page.get_by_label("手机号").fill(other.operator.mobile)
    page.get_by_label("图形验证码").fill("PASSED")
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_text("该手机号已被注册过，无需填写经办人信息").first).to_be_visible()
    expect(page.get_by_label("姓名")).to_have_count(0)
    screenshot(page, "operators-add-existing")
    page.get_by_label("短信验证码").fill(read_code_from_outbox(page, other.operator.mobile))
    page.get_by_role("button", name="确定").click()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("绑定经办人成功，请为经办人授权")).to_be_visible()
    expect(page.locator("tbody")).to_contain_text(other.operator.name)


def test_grant_and_revoke_then_the_operator_sees_it(page: Any, browser: Any) -> None:
    binding = BindingFactory.create()
    login_unit_admin(page, binding.unit.account.get_username())
    open_operators(page)
    page.get_by_role("link", name=f"权限管理 {binding.operator.name}").click()
    expect(page.get_by_label("访问招采系统")).to_be_disabled()
    page.get_by_label("职工花名册查询").check()
    page.get_by_label("职工参保登记").check()
    page.get_by_label("在职职工").check()
    screenshot(page, "operators-grants")
    page.get_by_role("button", name="确定").click()
    expect(page.locator(".messages")).to_contain_text("成功")
    expect(page.locator("tbody")).to_contain_text("2 项")

    page.get_by_role("link", name=f"权限管理 {binding.operator.name}").click()
    expect(page.get_by_label("职工花名册查询")).to_be_checked()
    page.get_by_label("职工参保登记").uncheck()
    page.get_by_role("button", name="确定").click()
    expect(page.locator("tbody")).to_contain_text("1 项")

    operator = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    operator.base_url = page.base_url
    login_operator(operator, binding.operator.mobile, binding.unit.name)
    expect(operator.get_by_role("heading", name="单位网厅首页")).to_be_visible()
    enrollment = operator.locator(".service-tile", has_text="职工参保登记")
    expect(enrollment).to_contain_text("无权限")
    screenshot(operator, "operator-home-grants")
    enrollment.get_by_role("link").click()
    expect(operator.get_by_role("heading", name="无权限")).to_be_visible()
    expect(operator.get_by_text("【权限管理】")).to_be_visible()
    operator.get_by_role("link", name="返回首页").click()
    operator.locator(".service-tile", has_text="职工花名册查询").get_by_role("link").click()
    expect(operator.get_by_role("heading", name="职工花名册查询")).to_be_visible()
    operator.context.close()


def test_every_grant_checkbox_is_a_small_box_before_its_label(page: Any) -> None:
    """Issue 20 item 17: 数据权限 was drawn as a large empty square in a column of its own."""
    binding = BindingFactory.create()
    login_unit_admin(page, binding.unit.account.get_username())
    page.goto(page.base_url + f"/hall/operators/{binding.pk}/grants/")
    expect(page.get_by_role("heading", name="权限管理")).to_be_visible()
    screenshot(page, "operators-grants-layout")
    column = page.get_by_label("在职职工").bounding_box()
    for label in ("允许查看完整证件号码和手机号码", "在职职工", "医药企业线上报送医保谈判药品配备机构"):
        box = page.get_by_label(label).bounding_box()
        text = page.locator("label", has_text=label).bounding_box()
        assert box["width"] <= 24 and box["height"] <= 24, (label, box)
        assert text["x"] > box["x"] + box["width"] - 1, (label, text, box)  # the label beside its box
        assert text["y"] < box["y"] + box["height"], (label, text, box)  # on the same line, not below
    full = page.get_by_label("允许查看完整证件号码和手机号码").bounding_box()
    assert abs(full["x"] - column["x"]) < 2, (full, column)  # in the first column, like the others


def test_an_item_goes_to_one_operator_only_under_the_national_profile(page: Any) -> None:
    first = grant(BindingFactory.create(operator__name="张三"), "roster")
    second = BindingFactory.create(unit=first.unit, operator__name="王强")
    login_unit_admin(page, first.unit.account.get_username())
    open_operators(page)
    page.get_by_role("link", name=f"权限管理 {second.operator.name}").click()
    expect(page.get_by_text(f"（已授权：{first.operator.name}）")).to_be_visible()
    page.get_by_label("职工花名册查询").check()
    page.get_by_label("在职职工").check()
    page.get_by_role("button", name="确定").click()
    expect(page.locator(".error-summary")).to_contain_text(
        f"“职工花名册查询”已授权给经办人{first.operator.name}，一个业务只能授权给一个经办人"
    )
    screenshot(page, "operators-grants-exclusive")


def test_reset_password_then_forced_change_at_login(page: Any) -> None:
    binding = BindingFactory.create()
    unit = binding.unit
    login_unit_admin(page, unit.account.get_username())
    open_operators(page)
    page.get_by_role("link", name=f"重置密码 {binding.operator.name}").click()
    expect(page.get_by_text("短信验证码将发送至单位法人手机号")).to_be_visible()
    page.get_by_label("图形验证码").fill("PASSED")
    page.get_by_role("button", name="发送验证码").click()
    page.get_by_label("短信验证码").fill(read_code_from_outbox(page, unit.legal_rep_mobile))
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("修改密码成功")).to_be_visible()
    page.get_by_role("button", name="退出登录").click()

    password = read_sms(page, binding.operator.mobile, r"新密码：(\w+)，")
    login_operator(page, binding.operator.mobile, unit.name, password=password)
    expect(page.get_by_role("heading", name="更换密码")).to_be_visible()
    page.get_by_label("证件号码").fill(binding.operator.cert_no)
    page.get_by_label("图形验证码").fill("PASSED")
    page.get_by_role("button", name="发送验证码").click()
    code = read_code_from_outbox(page, binding.operator.mobile)
    page.get_by_label("证件号码").fill(binding.operator.cert_no)
    page.get_by_label("新密码").fill("Changed12345")
    page.get_by_label("确认密码").fill("Changed12345")
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="确定").click()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("修改密码成功")).to_be_visible()


def test_unbind_is_refused_for_the_last_operator_and_works_otherwise(page: Any) -> None:
    keep = BindingFactory.create(operator__name="张三")
    gone = BindingFactory.create(unit=keep.unit, operator__name="王强")
    login_unit_admin(page, keep.unit.account.get_username())
    open_operators(page)
    page.get_by_role("link", name=f"解除绑定 {gone.operator.name}").click()
    expect(page.get_by_text("您确定要解绑与经办人的业务关系吗？")).to_be_visible()
    page.get_by_role("button", name="确定解绑").click()
    expect(page.get_by_text("您当前正在进行数据变更操作，请确定是否继续？")).to_be_visible()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("解绑成功")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)
    last = page.locator("tbody tr").first.get_by_text("解除绑定")
    expect(last).to_have_attribute("aria-disabled", "true")
    expect(page.get_by_text("单位经办人管理界面下至少存在一名经办人")).to_be_visible()
    screenshot(page, "operators-last-one")


def test_the_operator_home_and_the_operator_list_on_a_phone(phone_page: Any) -> None:
    binding = grant(BindingFactory.create(), "roster", "employee-enrollment")
    login_operator(phone_page, binding.operator.mobile, binding.unit.name)
    expect(phone_page.get_by_role("heading", name="单位网厅首页")).to_be_visible()
    screenshot(phone_page, "phone-operator-home")
    phone_page.get_by_role("button", name="退出登录").click()
    login_unit_admin(phone_page, binding.unit.account.get_username())
    open_operators(phone_page)
    screenshot(phone_page, "phone-operators-list")
