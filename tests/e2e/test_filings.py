"""异地就医备案 in a browser: an operator files a 转诊 for an employee (find by 证件号码, fill,
upload the 转诊证明, 保存), a reviewer approves it on the workbench in a second browser, and the
person's page shows the filing 已备案. Screenshots of the four forms."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_agency import claim, login_reviewer
from tests.e2e.test_operators import login_operator
from yibao.agency.tests.helpers import reviewer
from yibao.filings.models import Filing
from yibao.filings.tests.helpers import filing_binding, insured
from yibao.units.models import Population


def scan(tmp_path: Path) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (160, 100), (250, 250, 250)).save(out, format="PNG")
    path = tmp_path / "转诊证明.png"
    path.write_bytes(out.getvalue())
    return path


def find_person(page: Any, service: str, cert_no: str) -> None:
    page.goto(page.base_url + "/hall/")
    page.locator(".service-tile", has_text=service).get_by_role("link").click()
    expect(page.get_by_role("heading", name=service)).to_be_visible()
    page.get_by_label("证件号码").fill(cert_no)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name="人员信息")).to_be_visible()


def test_an_operator_files_a_referral_and_the_reviewer_approves_it(
    page: Any, browser: Any, tmp_path: Path
) -> None:
    binding = filing_binding(operator__name="李娜")
    person = insured(binding)
    reviewer("shenhe-ba")
    login_operator(page, binding.operator.mobile, binding.unit.name)

    find_person(page, "异地转诊备案", person.cert_no)
    expect(page.get_by_text("该人员在本单位暂无异地就医备案")).to_be_visible()
    page.get_by_label("省（自治区、直辖市）").select_option(label="广东省")
    page.get_by_label("市（地区、州）").select_option(label="深圳市")
    page.get_by_label("居外地址").fill("深圳市南山区科技园1号")
    page.get_by_label("联系电话", exact=True).fill("0755-26012345")
    page.get_by_label("转出医院").fill("昆明医科大学第一附属医院")
    page.get_by_label("转入医院").fill("北京大学深圳医院")
    page.get_by_label("异地联网方式").select_option(label="联网直接结算")
    page.get_by_role("button", name="下一步").click()

    expect(page.get_by_role("heading", name="异地转诊备案")).to_be_visible()
    expect(page.get_by_text("广东省深圳市")).to_be_visible()
    page.get_by_label("上传转诊证明").set_input_files(str(scan(tmp_path)))
    page.locator("tr", has_text="转诊证明").get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_text("上传成功")).to_be_visible()
    screenshot(page, "filing-referral-workspace")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("异地转诊备案已提交，请等待医保经办机构审核")).to_be_visible()
    number = page.locator(".case-summary dd").first.inner_text()
    assert Filing.objects.get().status == Filing.Status.APPLYING

    agency = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    agency.base_url = page.base_url
    login_reviewer(agency, "shenhe-ba")
    agency.get_by_role("link", name="进入审核队列").click()
    agency.get_by_role("link", name=number).click()
    expect(agency.get_by_role("heading", name="异地转诊备案")).to_be_visible()
    claim(agency)
    expect(agency.get_by_text("北京大学深圳医院").first).to_be_visible()
    screenshot(agency, "filing-referral-review")
    agency.get_by_role("button", name="通过", exact=True).click()
    expect(agency.get_by_text(number)).to_be_visible()
    agency.context.close()

    find_person(page, "异地转诊备案", person.cert_no)
    row = page.locator("tr", has_text="异地转诊备案")
    expect(row).to_contain_text("已备案")
    expect(row).to_contain_text("广东省深圳市")
    expect(row.get_by_role("link", name="取消备案")).to_be_visible()
    screenshot(page, "filing-referral-filed")


def test_the_four_filing_forms(page: Any) -> None:
    """Screenshots of the four forms, each with its own fields (long-term: 告知承诺书; 转诊: hospitals)."""
    binding = filing_binding(operator__name="李娜")
    working, retired = insured(binding, psn_type="1101"), insured(binding, psn_type="1201")
    login_operator(page, binding.operator.mobile, binding.unit.name)
    for service, slug, person in (
        ("异地安置退休人员备案", "retiree-relocation", retired),
        ("异地长期居住人员备案", "long-term-residence", working),
        ("常驻异地工作人员备案", "posted-worker", working),
        ("异地转诊备案", "referral", working),
    ):
        # the operator works in one 管理人群 at a time: 退休人员 for the retiree, 在职职工 for the rest
        binding.populations.set(
            Population.objects.filter(code="retired" if person == retired else "in-service")
        )
        find_person(page, service, person.cert_no)
        if slug == "referral":
            expect(page.get_by_label("转入医院")).to_be_visible()
            expect(page.get_by_text("告知承诺书")).to_have_count(0)
        else:
            expect(page.get_by_role("heading", name="告知承诺书")).to_be_visible()
            expect(page.get_by_label("结束日期")).to_have_count(0)
        screenshot(page, f"filing-form-{slug}")
