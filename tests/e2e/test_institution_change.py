"""定点医疗机构信息变更 and 定点零售药店信息变更 from end to end (Yunnan manual 001 §1.2–1.4), both
sides in a browser: the 贯标平台 feed arrives (sync), the unit admin certifies the role (角色认证),
the operator opens 医疗机构服务 → 更多服务 → 信息变更, enters the 法人, ticks 变更内容, downloads
the templates and uploads the materials the ticked items ask for, 提交; the reviewer returns it
once; the operator corrects and resubmits; the reviewer approves; 已审核业务查询 shows it and the
institution carries the new 法人."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_agency import claim, login_reviewer
from tests.e2e.test_key_change_flow import scan
from tests.e2e.test_operators import login_operator
from tests.e2e.test_unit_admin import credit_rules, login_unit  # noqa: F401 - credit_rules is a fixture
from yibao.agency.tests.helpers import reviewer
from yibao.catalog.models import Institution
from yibao.catalog.tests.sync_helpers import HOSPITAL_CODE, PHARMACY_CODE, hospital, pharmacy
from yibao.core.tests.factories import BindingFactory, UnitFactory, grant
from yibao.institutions.tests.helpers import sync

LEGAL_REP_ID = "530102197506010032"
KINDS: dict[str, dict[str, Any]] = {
    "medical": {
        "row": hospital(),
        "code": HOSPITAL_CODE,
        "role": "医疗机构",
        "area": "医疗机构服务",
        "change": "定点医疗机构信息变更",
        "item": "medins-info-change",
        "licence": "医疗机构许可证",
    },
    "pharmacy": {
        "row": pharmacy(),
        "code": PHARMACY_CODE,
        "role": "零售药店",
        "area": "零售药店服务",
        "change": "定点零售药店信息变更",
        "item": "pharmacy-info-change",
        "licence": "药品经营许可证",
    },
}


def upload(page: Any, material: str, path: Path) -> None:
    page.get_by_label(f"上传{material}").set_input_files(str(path))
    page.locator("tr", has_text=material).get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_text("上传成功")).to_be_visible()


@pytest.mark.usefixtures("credit_rules")
@pytest.mark.parametrize("kind", ["medical", "pharmacy"])
def test_an_institution_changes_its_information_through_return_and_approval(
    page: Any, browser: Any, tmp_path: Path, kind: str
) -> None:
    k = KINDS[kind]
    sync(k["row"])  # the 贯标平台's feed
    unit = UnitFactory.create(roles=[], uscc=k["row"]["uscc"], name=k["row"]["fixmedins_name"])
    binding = BindingFactory.create(unit=unit, operator__name="杨丽华")
    reviewer("shenhe-inst")

    # 角色认证 by the unit admin: the USCC is a synced institution's, so it is certified at once
    login_unit(page, unit)
    page.get_by_role("link", name="角色认证").click()
    page.get_by_role("row", name=re.compile(k["role"])).get_by_role("link", name=re.compile("去认证")).click()
    page.get_by_role("button", name="确定").click()
    expect(page.get_by_text(f"{k['role']}角色认证成功")).to_be_visible()
    grant(binding, k["item"])  # (权限管理 is the unit admin's, tested in test_operators)
    page.context.clear_cookies()

    # the operator: 常用服务 医疗机构服务 → 更多服务 → 信息变更
    login_operator(page, binding.operator.mobile, unit.name)
    page.get_by_role("link", name="医疗机构服务", exact=True).click()
    page.get_by_role("link", name=re.compile("^更多服务")).click()
    expect(page.get_by_role("heading", name=k["area"], exact=True)).to_be_visible()
    page.get_by_role("link", name=f"信息变更：{k['change']}").click()
    expect(page.get_by_role("heading", name=k["change"])).to_be_visible()
    expect(page.get_by_text("数据同步时间：")).to_be_visible()
    page.get_by_label("法人姓名").fill("王建国")
    page.get_by_label("法人证件类型").select_option(label="居民身份证(户口簿)")
    page.get_by_label("法人证件号码").fill(LEGAL_REP_ID)
    page.get_by_label("法人联系电话").fill("0871-63123456")
    page.get_by_label("变更法人信息").check()
    page.get_by_label("变更机构地址").check()
    page.get_by_label("贯标平台变更时间").fill("2026-03-01 09:40")  # later than the sync
    screenshot(page, f"institution-change-form-{kind}")
    page.get_by_role("button", name="下一步").click()
    expect(page.locator(".error-summary")).to_contain_text("网厅尚未同步您在贯标平台的变更")
    expect(page.locator(".error-summary")).to_contain_text("2026-03-01 09:30:00")
    expect(page.get_by_label("法人姓名")).to_have_value("王建国")  # nothing typed is lost
    page.get_by_label("法人证件号码").fill(LEGAL_REP_ID)
    page.get_by_label("贯标平台变更时间").fill("2026-03-01 09:20")
    page.get_by_role("button", name="下一步").click()

    # the workspace: the six materials, the ticked items' ones required, the two templates (the
    # form page has the same heading, table and links: wait for the workspace's own 提交 first, or
    # a click on a template link there cancels the navigation still in flight)
    expect(page.get_by_role("button", name="提交")).to_be_visible()
    expect(page.get_by_role("heading", name=k["change"])).to_be_visible()
    expect(page.locator(".materials-table tbody tr")).to_have_count(6)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载《两定机构变更工作表》模板").click()
    assert download.value.suggested_filename == "两定机构变更工作表.pdf"
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text(re.compile("请上传以下必传材料：《两定机构变更工作表》"))).to_be_visible()
    for material in (
        "《两定机构变更工作表》",
        "《承诺书》",
        "变更前/后的法人身份证",
        k["licence"],
        "营业执照/事业单位法人证书",
    ):
        upload(page, material, scan(tmp_path, "scan.png"))
    screenshot(page, f"institution-change-workspace-{kind}")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text(f"{k['change']}已提交，请等待医保经办机构审核")).to_be_visible()
    number = page.locator(".case-summary dd").first.inner_text()
    page.goto(page.base_url + f"/hall/institutions/{kind}/")
    page.locator(".institution-menu").get_by_role("link", name="待审核业务查询").click()
    expect(page.locator(".record-table")).to_contain_text(number)

    # the reviewer returns it once
    agency = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    agency.base_url = page.base_url
    login_reviewer(agency, "shenhe-inst")
    agency.get_by_role("link", name="进入审核队列").click()
    agency.get_by_role("link", name=number).click()
    expect(agency.get_by_role("heading", name=k["change"])).to_be_visible()
    expect(agency.locator(".agency-compare")).to_contain_text("王建国")
    expect(agency.locator(".agency-compare")).to_contain_text("变更法人信息、变更机构地址")
    claim(agency)
    agency.get_by_label("审核意见").fill("承诺书未加盖公章，请重新上传")
    agency.get_by_role("button", name="退回补正").click()
    expect(agency.get_by_text(f"办件 {number} 已退回补正")).to_be_visible()

    # 已审核业务查询 shows why; the operator corrects and resubmits
    page.goto(page.base_url + f"/hall/institutions/{kind}/reviewed/")
    expect(page.locator(".record-table")).to_contain_text("退回原因：承诺书未加盖公章，请重新上传")
    page.get_by_role("link", name=f"补正 {number}").click()
    upload(page, "《承诺书》", scan(tmp_path, "pledge.png"))
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text(f"{k['change']}已提交，请等待医保经办机构审核")).to_be_visible()

    # the reviewer approves
    agency.goto(agency.base_url + "/agency/queue/")
    agency.get_by_role("link", name=number).click()
    claim(agency)
    agency.get_by_role("button", name="通过", exact=True).click()
    expect(agency.get_by_text(number)).to_be_visible()
    agency.context.close()

    page.goto(page.base_url + f"/hall/institutions/{kind}/reviewed/")
    row = page.locator(".record-table tbody tr", has_text=number)
    expect(row).to_contain_text("审核通过")
    screenshot(page, f"institution-change-reviewed-{kind}")
    institution = Institution.objects.get(code=k["code"])
    assert (institution.legrep_name, institution.legrep_certno, institution.legrep_tel) == (
        "王建国",
        LEGAL_REP_ID,
        "0871-63123456",
    )
