"""婴幼儿备案 in a browser: a hospital's operator switches 常用服务 to 医疗机构服务, files a newborn
(婴幼儿信息, 户籍 in the region picker, 监护人), uploads the 出生医学证明 and saves; the reviewer
returns it once, the hospital corrects it from its list and resubmits, the reviewer approves and
the list shows it 已备案. The same 出生医学证明 filed again is refused; an operator of a unit not
certified 医疗机构 is told why. Screenshots of the form, the workspace and the review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_agency import claim
from tests.e2e.test_filings import decide, reviewer_page, scan
from tests.e2e.test_operators import login_operator
from yibao.agency.tests.helpers import reviewer
from yibao.core.tests.factories import BindingFactory, UnitFactory, grant
from yibao.newborns.models import InfantFiling
from yibao.newborns.tests.helpers import FATHER_ID, baby, hospital


def open_form(page: Any) -> None:
    page.goto(page.base_url + "/hall/")
    page.get_by_role("link", name="医疗机构服务").click()
    page.locator(".service-tile", has_text="婴幼儿备案").get_by_role("link").click()
    expect(page.get_by_role("heading", name="婴幼儿备案", exact=True)).to_be_visible()


def fill(page: Any, values: dict[str, str]) -> None:
    page.get_by_label("姓名", exact=True).fill(values["name"])
    page.get_by_label("性别").select_option(label="男" if values["gender"] == "1" else "女")
    page.get_by_label("出生日期").fill(values["birth_date"])
    page.get_by_label("出生医学证明编号").fill(values["birth_cert_no"])
    page.get_by_label("身份证号").fill(values["cert_no"])
    expect(page.locator(".region-picker__refresh")).to_have_count(0)  # the picker's script has run
    with page.expect_response(lambda response: "parent=" in response.url):
        page.get_by_label("省（自治区、直辖市）").select_option(label="北京市")
    with page.expect_response(lambda response: "parent=" in response.url):
        page.get_by_label("市（地区、州）").select_option(label="市辖区")
    page.get_by_label("区县").select_option(label="朝阳区")
    page.get_by_label("现居住地址").fill(values["address"])
    page.get_by_label("与婴幼儿关系").select_option(label="父亲")
    page.get_by_label("监护人姓名").fill(values["guardian_name"])
    page.get_by_label("监护人证件类型").select_option(value="01")
    page.get_by_label("监护人证件号码").fill(values["guardian_cert_no"])
    page.get_by_label("监护人联系电话").fill(values["guardian_phone"])


def upload_and_save(page: Any, tmp_path: Path) -> str:
    page.get_by_label("上传出生医学证明").set_input_files(str(scan(tmp_path, "出生医学证明")))
    page.locator("tr", has_text="出生医学证明").get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_text("上传成功")).to_be_visible()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("婴幼儿备案已提交，请等待医保经办机构审核")).to_be_visible()
    return str(page.locator(".case-summary dd").first.inner_text())


def test_a_newborn_is_filed_returned_corrected_and_approved(page: Any, browser: Any, tmp_path: Path) -> None:
    binding = hospital(name="北京市朝阳区妇幼保健院")
    reviewer("shenhe-bj", region="110000")
    login_operator(page, binding.operator.mobile, binding.unit.name)
    open_form(page)
    values = baby()
    fill(page, {**values, "birth_cert_no": "q11000000"})  # one digit short
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_text("出生医学证明编号应为1位英文字母加9位数字").first).to_be_visible()
    expect(page.get_by_label("监护人姓名")).to_have_value("张伟")  # nothing typed is lost
    expect(page.get_by_label("区县")).to_have_value("110105")
    page.get_by_label("出生医学证明编号").fill("q110000001")
    screenshot(page, "newborn-form")
    page.get_by_role("button", name="下一步").click()

    expect(page.get_by_role("heading", name="婴幼儿备案")).to_be_visible()
    expect(page.get_by_role("cell", name="北京市朝阳区", exact=True)).to_be_visible()
    expect(page.get_by_text(FATHER_ID)).to_have_count(0)  # masked
    number = upload_and_save(page, tmp_path)
    screenshot(page, "newborn-workspace")
    assert InfantFiling.objects.get().status == InfantFiling.Status.APPLYING

    agency = reviewer_page(page, browser, "shenhe-bj")
    agency.goto(agency.base_url + "/agency/")
    agency.get_by_role("link", name="进入审核队列").click()
    agency.get_by_role("link", name=number).click()
    expect(agency.get_by_role("heading", name="婴幼儿备案", exact=True)).to_be_visible()
    claim(agency)
    expect(agency.get_by_text(f"已领取办件 {number}，请审核")).to_be_visible()
    screenshot(agency, "newborn-review")
    agency.get_by_label("审核意见").fill("监护人姓名与出生医学证明不一致，请核对")
    agency.get_by_role("button", name="退回补正", exact=True).click()
    expect(agency.get_by_text(f"办件 {number} 已退回补正")).to_be_visible()

    open_form(page)
    drafts = page.locator("section", has=page.get_by_role("heading", name="未提交的婴幼儿备案"))
    expect(drafts).to_contain_text("监护人姓名与出生医学证明不一致，请核对")
    expect(drafts).to_contain_text(number)
    drafts.get_by_role("link", name="修改").click()
    expect(page.get_by_text(f"正在修改办件 {number}")).to_be_visible()
    expect(page.get_by_label("监护人证件号码")).to_have_value("")  # kept, not shown in full
    page.get_by_label("监护人姓名").fill("张大伟")
    page.get_by_role("button", name="下一步").click()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("婴幼儿备案已提交，请等待医保经办机构审核")).to_be_visible()

    decide(agency, number, "婴幼儿备案", opinion="材料齐全，准予备案")
    agency.context.close()

    open_form(page)
    row = page.locator("section", has=page.get_by_role("heading", name="婴幼儿备案记录")).locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("已备案")
    expect(row).to_contain_text("张大伟")
    screenshot(page, "newborn-filed")
    filing = InfantFiling.objects.get()
    assert (filing.status, filing.guardian_name, filing.guardian_cert_no) == ("filed", "张大伟", FATHER_ID)

    # the same 出生医学证明 once more: refused at its field
    fill(page, values)
    page.get_by_role("button", name="下一步").click()
    expect(
        page.get_by_text(f"该出生医学证明编号已办理婴幼儿备案（备案编号 {filing.number}，已备案）").first
    ).to_be_visible()


def test_a_unit_not_certified_medical_is_told_why(page: Any) -> None:
    binding = grant(BindingFactory.create(unit=UnitFactory.create(roles=["insured"])), "infant-filing")
    login_operator(page, binding.operator.mobile, binding.unit.name)
    page.goto(page.base_url + "/hall/newborns/")
    expect(page.get_by_text("医疗机构").first).to_be_visible()
    expect(page.get_by_role("button", name="下一步")).to_have_count(0)
    screenshot(page, "newborn-role-missing")
