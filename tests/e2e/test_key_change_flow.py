"""单位参保关键信息变更 from end to end, both sides in a browser: the operator fills the editable
fields, prints the form, uploads the stamped scan and the licence, saves; the reviewer returns it;
the operator corrects and resubmits; the reviewer approves; the unit has the new values and the
case history shows every step."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_agency import claim, login_reviewer
from tests.e2e.test_operators import login_operator
from yibao.agency.tests.helpers import reviewer
from yibao.core.tests.factories import BindingFactory, grant
from yibao.units.models import Unit

NEW_ID = "110101199003070011"


def scan(tmp_path: Path, name: str) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (240, 240, 240)).save(out, format="PNG")
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


def print_form(page: Any) -> None:
    """打印报表 opens the filled form (the PDF); then back to the workspace."""
    workspace = page.url
    page.get_by_role("button", name="打印报表").click()
    page.wait_for_url(re.compile(r"/hall/cases/\d+/form/$"))
    page.goto(workspace)
    expect(page.get_by_text("已于")).to_be_visible()


def upload(page: Any, material: str, path: Path) -> None:
    page.get_by_label(f"上传{material}").set_input_files(str(path))
    page.locator("tr", has_text=material).get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_text("上传成功")).to_be_visible()


def test_operator_and_reviewer_take_a_key_change_through_return_and_approval(
    page: Any, browser: Any, tmp_path: Path
) -> None:
    binding = grant(BindingFactory.create(operator__name="李娜"), "unit-key-info-change", "case-records")
    reviewer("shenhe-flow")
    login_operator(page, binding.operator.mobile, binding.unit.name)
    page.locator(".service-tile", has_text="单位参保关键信息变更").get_by_role("link").click()
    expect(page.get_by_role("heading", name="单位参保关键信息变更")).to_be_visible()
    page.get_by_label("单位名称").fill("昆明新名称科技有限公司")
    page.get_by_label("法定代表人姓名").fill("王强")
    page.get_by_label("法定代表人证件号码").fill(NEW_ID)
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("button", name="已打印盖章，继续上传并保存")).to_be_disabled()
    expect(page.locator(".change-table__changed")).to_have_count(3)
    screenshot(page, "key-change-workspace")

    print_form(page)
    upload(page, "单位参保关键信息变更表", scan(tmp_path, "stamped.png"))
    upload(page, "营业执照", scan(tmp_path, "licence.png"))
    page.get_by_role("button", name="已打印盖章，继续上传并保存").click()
    expect(page.get_by_text("单位参保关键信息变更已提交，请等待医保经办机构审核")).to_be_visible()
    number = page.locator(".case-summary dd").first.inner_text()

    agency = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    agency.base_url = page.base_url
    login_reviewer(agency, "shenhe-flow")
    agency.get_by_role("link", name="进入审核队列").click()
    agency.get_by_role("link", name=number).click()
    claim(agency)
    agency.get_by_label("审核意见").fill("法定代表人姓名与营业执照不一致，请核对")
    agency.get_by_role("button", name="退回补正").click()
    expect(agency.get_by_text(f"办件 {number} 已退回补正")).to_be_visible()

    page.goto(page.base_url + "/hall/")
    expect(page.locator(".todo-list")).to_contain_text("单位参保关键信息变更 被退回补正")
    page.locator(".service-tile", has_text="单位参保关键信息变更").get_by_role("link").click()
    expect(page.get_by_text("法定代表人姓名与营业执照不一致，请核对")).to_be_visible()
    page.get_by_label("法定代表人姓名").fill("王强强")
    page.get_by_role("button", name="下一步").click()
    print_form(page)
    upload(page, "单位参保关键信息变更表", scan(tmp_path, "stamped-2.png"))
    page.get_by_role("button", name="已打印盖章，继续上传并保存").click()
    expect(page.get_by_text("单位参保关键信息变更已提交，请等待医保经办机构审核")).to_be_visible()

    agency.goto(agency.base_url + "/agency/queue/")
    agency.get_by_role("link", name=number).click()
    claim(agency)
    agency.get_by_role("button", name="通过", exact=True).click()
    expect(agency.get_by_text(number)).to_be_visible()
    agency.context.close()

    unit = Unit.objects.get(pk=binding.unit_id)
    assert (unit.name, unit.legal_rep_name, unit.legal_rep_cert_no) == (
        "昆明新名称科技有限公司",
        "王强强",
        NEW_ID,
    )
    page.goto(page.base_url + "/hall/cases/")
    page.get_by_role("link", name="查看").first.click()
    for step in (
        "创建",
        "打印报表",
        "上传材料",
        "提交申报",
        "领取审核",
        "退回补正",
        "补正后重新提交",
        "审核通过",
        "变更已生效",
    ):
        expect(page.get_by_text(step, exact=True).first).to_be_visible()
    screenshot(page, "key-change-history")
