"""The unit admin's pages in a browser: 首页, 单位信息 with its confirm step, 资质认证 upload and
review, 角色认证 of 医疗机构 with and without a designated-institution record."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_registration import read_code_from_outbox
from yibao.catalog.models import Institution
from yibao.core.tests.factories import NoticeFactory, UnitFactory, UserFactory
from yibao.units.credit_defaults import credit_defaults_sync
from yibao.units.models import CreditLevel, CreditRule, LicenceSubmission, Unit
from yibao.units.services import licence_review

PASSWORD = "Yibao2026test"


@pytest.fixture
def credit_rules(reference_data: None) -> None:
    """The live server's database is flushed between tests, seeded rules included."""
    credit_defaults_sync(CreditRule, CreditLevel)


def login_unit(page: Any, unit: Unit) -> None:
    assert unit.account is not None
    page.goto(page.base_url + "/hall/login/")
    page.get_by_label("单位账号/统一社会信用代码").fill(unit.account.get_username())
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("图形验证码").fill("PASSED")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="单位管理首页")).to_be_visible()


def png_file(tmp_path: Any) -> Any:
    path = tmp_path / "营业执照.png"
    Image.new("RGB", (320, 200), (230, 230, 240)).save(path, format="PNG")
    return path


def test_home_page_on_desktop_and_phone(page: Any, phone_page: Any, credit_rules: None) -> None:
    unit = UnitFactory.create()
    NoticeFactory.create(title="关于做好2027年度职工医保缴费基数申报工作的通知")
    login_unit(page, unit)
    expect(page.locator(".summary")).to_contain_text(unit.uscc)
    credit = page.locator("section.credit")
    expect(credit.get_by_role("heading", name="我的信用")).to_be_visible()
    expect(credit).to_contain_text("信用分")
    expect(page.get_by_text("关于做好2027年度职工医保缴费基数申报工作的通知")).to_be_visible()
    screenshot(page, "unit-home")

    login_unit(phone_page, unit)
    expect(phone_page.locator("section.credit")).to_contain_text("信用等级")
    screenshot(phone_page, "unit-home-phone")


def test_change_legal_rep_mobile_and_address(page: Any, credit_rules: None) -> None:
    unit = UnitFactory.create(legal_rep_mobile="13900000001")
    login_unit(page, unit)
    page.get_by_role("link", name="单位信息").click()
    expect(page.get_by_label("法人手机号")).to_have_value("13900000001")
    page.get_by_label("法人手机号").fill("1371234")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".error-summary")).to_contain_text("请输入正确的手机号码")
    screenshot(page, "unit-info-error")

    page.get_by_label("法人手机号").fill("13712345678")
    page.get_by_label("地址").fill("云南省昆明市五华区人民中路1号")
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_text("短信验证码已发送至137****5678")).to_be_visible()
    page.get_by_label("短信验证码").fill(read_code_from_outbox(page, "13712345678"))
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("您当前正在进行数据变更操作，请确定是否继续？")).to_be_visible()
    screenshot(page, "unit-info-confirm")
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("更新单位信息成功")).to_be_visible()
    expect(page.get_by_label("法人手机号")).to_have_value("13712345678")
    expect(page.get_by_label("地址")).to_have_value("云南省昆明市五华区人民中路1号")
    screenshot(page, "unit-info")

    page.get_by_role("link", name="单位管理人群").click()
    expect(page.get_by_role("cell", name=re.compile("1101"))).to_be_visible()
    screenshot(page, "unit-populations")
    unit.refresh_from_db()
    assert unit.legal_rep_mobile == "13712345678"


def test_licence_upload_then_approval(page: Any, credit_rules: None, tmp_path: Any) -> None:
    unit = UnitFactory.create()
    login_unit(page, unit)
    page.get_by_role("link", name="资质认证").click()
    row = page.get_by_role("row", name=re.compile("营业执照上传"))
    expect(row).to_contain_text("未认证")
    row.get_by_role("link", name="去上传").click()

    fake = tmp_path / "licence.png"
    fake.write_bytes(b"not really a picture")
    page.get_by_label("营业执照").set_input_files(str(fake))
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".error-summary")).to_contain_text("文件格式不正确")
    screenshot(page, "unit-licence-refused")

    page.get_by_label("营业执照").set_input_files(str(png_file(tmp_path)))
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text(re.compile("营业执照已提交"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("营业执照上传"))).to_contain_text("待审核")
    screenshot(page, "unit-qualification-pending")

    reviewer = UserFactory.create(username="shenhe01", is_staff=True)
    licence_review(
        submission=LicenceSubmission.objects.get(unit=unit), approve=True, reason="", reviewer=reviewer
    )
    page.reload()
    row = page.get_by_role("row", name=re.compile("营业执照上传"))
    expect(row).to_contain_text("已认证")
    expect(row.get_by_role("link", name="去上传")).to_have_count(0)
    screenshot(page, "unit-qualification-certified")
    page.get_by_role("link", name="首页").click()
    expect(page.locator(".summary")).to_contain_text("已认证")


def test_medical_role_with_and_without_a_designated_institution(page: Any, credit_rules: None) -> None:
    unit = UnitFactory.create(roles=[])
    login_unit(page, unit)
    page.get_by_role("link", name="角色认证").click()
    row = page.get_by_role("row", name=re.compile("医疗机构"))
    expect(row).to_contain_text("未认证")
    row.get_by_role("link", name=re.compile("去认证")).click()
    expect(page.get_by_text("确定进行医疗机构角色认证吗？")).to_be_visible()
    screenshot(page, "unit-role-confirm")
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text(re.compile("未在定点医药机构信息中查询到本单位统一社会信用代码"))).to_have_count(
        2
    )
    expect(page.get_by_role("row", name=re.compile("医疗机构"))).to_contain_text("认证失败")
    screenshot(page, "unit-roles-failed")

    Institution.objects.create(
        code="H53011200321",
        fixmedins_type=Institution.Type.MEDICAL,
        name=f"{unit.name}门诊部",
        uscc=unit.uscc,
        division_id="530112",
    )
    page.get_by_role("row", name=re.compile("医疗机构")).get_by_role(
        "link", name=re.compile("去认证")
    ).click()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text("医疗机构角色认证成功")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("医疗机构"))
    expect(row).to_contain_text("已认证")
    expect(row.get_by_role("link", name=re.compile("去认证"))).to_have_count(0)
    screenshot(page, "unit-roles-certified")
