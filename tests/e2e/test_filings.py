"""异地就医备案 in a browser: an operator files each of the four for an employee (find by 证件号码,
fill, upload the proof or accept the 告知承诺书, 保存), a reviewer approves it on the workbench in a
second browser, the person's page shows the filing 已备案, its 备案凭证 is genuine on 参保证明查验 and
异地就医备案信息查询 lists it; a 变更备案 and a 取消备案 through
review, a refusal (不予备案) with the unit's message, and a form filled from its last fields first
that keeps everything typed over refused posts. Screenshots of the four forms."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_agency import claim, login_reviewer
from tests.e2e.test_operators import login_operator
from yibao.agency.tests.helpers import reviewer
from yibao.certificates.tests.helpers import pdf_text
from yibao.core.tests.factories import grant
from yibao.filings.models import Filing
from yibao.filings.rules import add_months
from yibao.filings.tests.helpers import filed, filing_binding, insured
from yibao.operators.models import Binding
from yibao.units.models import Population


def scan(tmp_path: Path, name: str = "转诊证明") -> Path:
    out = io.BytesIO()
    Image.new("RGB", (160, 100), (250, 250, 250)).save(out, format="PNG")
    path = tmp_path / f"{name}.png"
    path.write_bytes(out.getvalue())
    return path


def find_person(page: Any, service: str, cert_no: str) -> None:
    page.goto(page.base_url + "/hall/")
    page.locator(".service-tile", has_text=service).get_by_role("link").click()
    expect(page.get_by_role("heading", name=service)).to_be_visible()
    page.get_by_label("证件号码").fill(cert_no)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name="人员信息")).to_be_visible()


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


# --- the four, each end to end ----------------------------------------------------------------


def in_population(binding: Binding, code: str) -> None:
    """The operator works in one 管理人群 at a time: 退休人员 (retired) or 在职职工 (in-service)."""
    binding.populations.set(Population.objects.filter(code=code))


def care_place(page: Any, province: str, city: str) -> None:
    """The 就医地 in the region picker: the city is chosen once the province's cities arrived (the
    list may hold the city already, from the province shown before, and be refilled after)."""
    # The picker's script has run once it removed the no-JavaScript 选择 button; a page reached
    # by a click may still be loading it (it failed once under load).
    expect(page.locator(".region-picker__refresh")).to_have_count(0)
    with page.expect_response(lambda response: "parent=" in response.url):
        page.get_by_label("省（自治区、直辖市）").select_option(label=province)
    page.get_by_label("市（地区、州）").select_option(label=city)


def saved(page: Any, service: str) -> str:
    """保存 on the workspace submits the filing; its 办件编号."""
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text(f"{service}已提交，请等待医保经办机构审核")).to_be_visible()
    return str(page.locator(".case-summary dd").first.inner_text())


def reviewer_page(page: Any, browser: Any, username: str = "shenhe-ba") -> Any:
    """The workbench in a second browser, logged in as the reviewer."""
    agency = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
    agency.set_default_timeout(10_000)
    agency.base_url = page.base_url
    login_reviewer(agency, username)
    return agency


def decide(
    agency: Any, number: str, heading: str, *, approve: bool = True, opinion: str = "", shot: str = ""
) -> None:
    agency.goto(agency.base_url + "/agency/")
    agency.get_by_role("link", name="进入审核队列").click()
    agency.get_by_role("link", name=number).click()
    expect(agency.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    claim(agency)
    expect(agency.get_by_text(f"已领取办件 {number}，请审核")).to_be_visible()
    if shot:
        screenshot(agency, shot)
    if opinion:
        agency.get_by_label("审核意见").fill(opinion)
    agency.get_by_role("button", name="通过" if approve else "不通过", exact=True).click()
    outcome = "审核通过，变更已生效" if approve else "审核不通过，原因已通知单位"
    expect(agency.get_by_text(f"办件 {number} {outcome}")).to_be_visible()


FOUR = [
    # kind, service, 管理人群, 人员类别, the proof (None: the 告知承诺书 accepted instead), 就医地
    ("retiree-relocation", "异地安置退休人员备案", "retired", "1201", None, ("海南省", "三亚市")),
    (
        "long-term-residence",
        "异地长期居住人员备案",
        "in-service",
        "1101",
        "异地居住证明",
        ("浙江省", "杭州市"),
    ),
    (
        "posted-worker",
        "常驻异地工作人员备案",
        "in-service",
        "1102",
        "派驻证明或劳动合同",
        ("广东省", "广州市"),
    ),
    ("referral", "异地转诊备案", "in-service", "1101", "转诊证明", ("北京市", "市辖区")),
]


@pytest.mark.parametrize(
    ("kind", "service", "population", "psn_type", "proof", "place"), FOUR, ids=[row[0] for row in FOUR]
)
def test_each_filing_from_the_form_to_filed(
    page: Any, browser: Any, tmp_path: Path, kind: str, service: str, population: str, psn_type: str,
    proof: str | None, place: tuple[str, str],
) -> None:  # fmt: skip
    binding = grant(filing_binding(operator__name="李娜"), "remote-care-filings")
    in_population(binding, population)
    person = insured(binding, psn_type=psn_type)
    reviewer("shenhe-ba")
    login_operator(page, binding.operator.mobile, binding.unit.name)

    find_person(page, service, person.cert_no)
    care_place(page, *place)
    page.get_by_label("居外地址").fill(f"{place[1]}滨江路18号3栋502室")
    page.get_by_label("联系电话", exact=True).fill("13987654321")
    page.get_by_label("异地联网方式").select_option(label="联网直接结算")
    if service == "异地转诊备案":
        page.get_by_label("转出医院").fill("昆明医科大学第一附属医院")
        page.get_by_label("转入医院").fill("北京协和医院")
    elif proof is None:
        page.get_by_label("本人已阅读并同意以上承诺").check()
    page.get_by_role("button", name="下一步").click()

    expect(page.get_by_role("heading", name=service)).to_be_visible()
    expect(page.get_by_text("".join(place) if place[1] != "市辖区" else place[0]).first).to_be_visible()
    if proof is not None:
        page.get_by_label(f"上传{proof}").set_input_files(str(scan(tmp_path, proof)))
        page.locator("tr", has_text=proof).get_by_role("button", name="上传", exact=True).click()
        expect(page.get_by_text("上传成功")).to_be_visible()
    else:
        expect(page.get_by_text("已签署告知承诺书").first).to_be_visible()
    screenshot(page, f"filing-{kind}-workspace")
    number = saved(page, service)
    assert Filing.objects.get().status == Filing.Status.APPLYING

    agency = reviewer_page(page, browser)
    decide(agency, number, service, opinion="材料齐全，准予备案", shot=f"filing-{kind}-review")
    agency.context.close()

    find_person(page, service, person.cert_no)
    row = page.locator("tr", has_text=service)
    expect(row).to_contain_text("已备案")
    expect(row).to_contain_text(place[0])
    expect(row.get_by_role("link", name="变更备案")).to_be_visible()
    screenshot(page, f"filing-{kind}-filed")
    filing = Filing.objects.get(status=Filing.Status.FILED)

    # the 备案凭证, printed from the row, is genuine on 参保证明查验
    with page.expect_download() as download_info:
        row.get_by_role("button", name="打印备案凭证").click()
    pdf = tmp_path / "receipt.pdf"
    download_info.value.save_as(str(pdf))
    text = pdf_text(pdf.read_bytes(), tmp_path)
    found = re.search(r"证明编号：(\S+)[\s\S]*验证码：([2-9A-HJKMNP-Z]{10})", text)
    assert found is not None and filing.number in text and service in text, text
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(page.base_url + "/verify/")
    public.get_by_label("证明编号").fill(found.group(1))
    public.get_by_label("验证码").fill(found.group(2))
    public.get_by_role("button", name="查验").click()
    expect(public.locator(".certificate-verdict")).to_contain_text("查验通过：该备案凭证真实")
    expect(public.locator(".certificate-verdict")).to_contain_text(filing.number)
    public.context.close()

    # 异地就医备案信息查询 lists it
    page.goto(page.base_url + "/hall/operators/services/?group=query")
    page.locator(".service-tile", has_text="异地就医备案信息查询").get_by_role("link").click()
    expect(page.get_by_role("heading", name="异地就医备案信息查询", level=1)).to_be_visible()
    listed = page.locator("tbody tr", has_text=filing.number)
    expect(listed).to_contain_text(service.removesuffix("备案"))
    expect(listed).to_contain_text("已备案")


# --- change, cancellation, refusal ------------------------------------------------------------


def test_a_long_term_filing_is_changed_through_review(page: Any, browser: Any) -> None:
    binding = filing_binding(operator__name="李娜")
    person = insured(binding, start=timezone.localdate() - datetime.timedelta(days=800))
    start = add_months(timezone.localdate(), -7)  # past the minimum of six months
    filed(binding, person, "long-term-residence", start_date=start.isoformat(), commitment="1")
    old = Filing.objects.get()
    # the reviewer shenhe-ba approved it
    login_operator(page, binding.operator.mobile, binding.unit.name)

    find_person(page, "异地长期居住人员备案", person.cert_no)
    page.locator("tr", has_text=old.number).get_by_role("link", name="变更备案").click()
    expect(page.get_by_role("heading", name="异地长期居住人员备案变更")).to_be_visible()
    expect(page.get_by_label("居外地址")).to_have_value(old.address)  # what stands, to change
    care_place(page, "广东省", "广州市")
    page.get_by_label("居外地址").fill("广州市天河区体育西路9号")
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_text("广东省广州市").first).to_be_visible()
    number = saved(page, "异地长期居住人员备案变更")  # the new proof is optional

    agency = reviewer_page(page, browser)
    decide(agency, number, "异地长期居住人员备案变更")
    agency.context.close()

    find_person(page, "异地长期居住人员备案", person.cert_no)
    expect(page.locator("tr", has_text=old.number)).to_contain_text("已变更")
    new = Filing.objects.get(previous=old)
    row = page.locator("tr", has_text=new.number)
    expect(row).to_contain_text("已备案")
    expect(row).to_contain_text("广东省广州市")
    expect(row).to_contain_text(start.isoformat())  # the same filing, from the same day
    screenshot(page, "filing-changed")


def test_a_filing_is_cancelled_through_review(page: Any, browser: Any) -> None:
    binding = filing_binding(operator__name="李娜")
    person = insured(binding)
    filed(binding, person, "referral")
    filing = Filing.objects.get()
    # the reviewer shenhe-ba approved it
    login_operator(page, binding.operator.mobile, binding.unit.name)

    find_person(page, "异地转诊备案", person.cert_no)
    page.locator("tr", has_text=filing.number).get_by_role("link", name="取消备案").click()
    expect(page.get_by_role("heading", name="异地转诊备案取消")).to_be_visible()
    page.get_by_role("button", name="保存").click()  # without a reason: refused
    expect(page.locator(".field__error")).to_be_visible()
    page.get_by_label("取消原因").fill("已康复出院")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("异地转诊备案取消已提交，请等待医保经办机构审核")).to_be_visible()
    number = page.locator(".case-summary dd").first.inner_text()

    agency = reviewer_page(page, browser)
    decide(agency, number, "异地转诊备案取消")
    agency.context.close()

    find_person(page, "异地转诊备案", person.cert_no)
    row = page.locator("tr", has_text=filing.number)
    expect(row).to_contain_text("已取消")
    expect(row.get_by_role("link", name="取消备案")).to_have_count(0)
    assert Filing.objects.get().cancel_reason == "已康复出院"


def test_a_refused_filing_shows_the_agencys_reason_to_the_unit(page: Any, browser: Any) -> None:
    binding = filing_binding(operator__name="李娜")
    person = insured(binding)
    reviewer("shenhe-ba")
    login_operator(page, binding.operator.mobile, binding.unit.name)

    find_person(page, "异地长期居住人员备案", person.cert_no)
    care_place(page, "广东省", "深圳市")
    page.get_by_label("居外地址").fill("深圳市福田区福华路1号")
    page.get_by_label("联系电话", exact=True).fill("13987654321")
    page.get_by_label("本人已阅读并同意以上承诺").check()
    page.get_by_role("button", name="下一步").click()
    number = saved(page, "异地长期居住人员备案")

    reason = "经核查，该人员在就医地无长期居住记录，不予备案"
    agency = reviewer_page(page, browser)
    agency.goto(agency.base_url + "/agency/")
    agency.get_by_role("link", name="进入审核队列").click()
    agency.get_by_role("link", name=number).click()
    claim(agency)
    agency.get_by_role("button", name="不通过", exact=True).click()  # without a reason: refused
    expect(agency.get_by_text("请填写不通过的原因").first).to_be_visible()
    agency.get_by_label("审核意见").fill(reason)
    agency.get_by_role("button", name="不通过", exact=True).click()
    expect(agency.get_by_text(f"办件 {number} 审核不通过，原因已通知单位")).to_be_visible()
    agency.context.close()

    find_person(page, "异地长期居住人员备案", person.cert_no)
    expect(page.locator("tr", has_text="异地长期居住人员备案")).to_contain_text("不予备案")
    expect(page.get_by_text("该人员在本单位暂无异地就医备案")).to_have_count(0)
    page.get_by_role("link", name=re.compile("^系统通知")).click()
    page.get_by_role("link", name="异地长期居住人员备案审核不通过").click()
    expect(page.get_by_text(f"审核意见：{reason}")).to_be_visible()
    expect(page.get_by_text(number)).to_be_visible()
    screenshot(page, "filing-refused-message")


# --- another order of filling, refused posts ----------------------------------------------------


def test_a_form_filled_from_the_end_keeps_everything_over_refused_posts(page: Any, tmp_path: Path) -> None:
    """The 代办人 first, then the hospitals, the phone and the address, the 就医地 last — and the
    insured place itself at first: each refused 下一步 shows the message at its field and keeps
    what was typed."""
    binding = filing_binding(operator__name="李娜")
    person = insured(binding)
    login_operator(page, binding.operator.mobile, binding.unit.name)
    find_person(page, "异地转诊备案", person.cert_no)

    typed = {
        "代办人姓名": "王强",
        "代办人与参保人关系": "配偶",
        "转入医院": "北京大学深圳医院",
        "转出医院": "昆明医科大学第一附属医院",
        "居外地址": "深圳市南山区科技园1号",
    }
    for label, value in typed.items():
        page.get_by_label(label).fill(value)
    page.get_by_label("联系电话", exact=True).fill("0755-26012345")
    page.get_by_label("异地联网方式").select_option(label="回参保地手工报销")
    care_place(page, "云南省", "昆明市")  # the insured place
    page.get_by_role("button", name="下一步").click()

    # a 代办人 without 证件 and 联系电话
    expect(page.get_by_text("由他人代办时请填写代办人证件号码").first).to_be_visible()
    for label, value in typed.items():
        expect(page.get_by_label(label)).to_have_value(value)
    expect(page.get_by_label("联系电话", exact=True)).to_have_value("0755-26012345")
    expect(page.get_by_label("异地联网方式")).to_have_value("2")
    expect(page.get_by_label("市（地区、州）")).to_have_value("530100")

    page.get_by_label("代办人证件类型").select_option(label="居民身份证(户口簿)")
    page.get_by_label("代办人证件号码").fill("11010519491231002X")
    page.get_by_label("代办人联系电话").fill("13812345678")
    page.get_by_role("button", name="下一步").click()

    # the insured place as the place of care
    expect(
        page.get_by_text("就医地不能为参保地（云南省昆明市），请选择参保地以外的地区").first
    ).to_be_visible()
    for label, value in typed.items():
        expect(page.get_by_label(label)).to_have_value(value)
    expect(page.get_by_label("代办人证件号码")).to_have_value("11010519491231002X")
    expect(page.get_by_label("代办人联系电话")).to_have_value("13812345678")
    screenshot(page, "filing-refused-post-keeps-input")

    care_place(page, "广东省", "深圳市")
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_text("广东省深圳市").first).to_be_visible()
    expect(page.get_by_text("回参保地手工报销").first).to_be_visible()
    expect(page.get_by_text("王强").first).to_be_visible()
    page.get_by_label("上传转诊证明").set_input_files(str(scan(tmp_path)))
    page.locator("tr", has_text="转诊证明").get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_text("上传成功")).to_be_visible()
    saved(page, "异地转诊备案")
    filing = Filing.objects.get()
    assert (filing.agent_name, filing.agent_cert_no, filing.network) == ("王强", "11010519491231002X", "2")
