"""An agency reviewer works a 单位参保关键信息变更 on the workbench: returns it for correction, then
approves the corrected application, and the unit record takes the new values."""

from __future__ import annotations

import base64
from typing import Any

from django_otp.oath import totp
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from yibao.agency.tests.helpers import KEY, NEW_ID, key_change_binding, reviewer, submitted_key_change
from yibao.cases import services
from yibao.cases.models import Application, Status
from yibao.units.models import Unit

PASSWORD = "Yibao2026test"  # the factories' password


def login_reviewer(page: Any, username: str) -> None:
    """Staff log in as the workbench asks: 用户名, 密码, 图形验证码, then, on a first login, bind an
    authenticator app (its secret typed from the page, as a person without a camera would) and
    keep the recovery codes."""
    page.goto(page.base_url + "/agency/")
    expect(page).to_have_url(page.base_url + "/agency/login/?next=/agency/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("图形验证码").fill("PASSED")
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="绑定身份验证器")).to_be_visible()
    screenshot(page, "staff-login-setup")
    secret = page.locator(".otp-secret").inner_text().replace(" ", "")
    page.get_by_label("动态口令").fill(authenticator_code(secret))
    page.get_by_role("button", name="确认绑定并登录").click()
    expect(page.get_by_role("heading", name="恢复码")).to_be_visible()
    screenshot(page, "staff-login-recovery-codes")
    page.get_by_role("link", name="我已保存，进入工作台").click()
    expect(page.get_by_role("heading", name="经办机构工作台")).to_be_visible()


def authenticator_code(secret: str) -> str:
    """What an authenticator app shows for a base32 secret now (RFC 6238: 30 s, 6 digits)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


def claim(page: Any) -> None:
    # With the keyboard, as a keyboard user would.
    page.wait_for_load_state("load")
    button = page.get_by_role("button", name="领取")
    button.focus()
    page.keyboard.press("Enter")


def test_a_reviewer_returns_then_approves_a_key_info_change(page: Any) -> None:
    binding = key_change_binding()
    application = submitted_key_change(binding)
    reviewer("shenhe-yn")
    login_reviewer(page, "shenhe-yn")

    expect(page.locator(".agency-card__total")).to_have_text("1 件待审核")
    expect(page.locator(".agency-counts")).to_contain_text("单位参保关键信息变更")
    expect(page.locator(".agency-counts")).to_contain_text("最长等待")
    screenshot(page, "agency-workbench")

    page.get_by_role("link", name="进入审核队列").click()
    expect(page.get_by_role("heading", name="审核队列")).to_be_visible()
    expect(page.get_by_label("状态")).to_have_value("submitted")
    row = page.locator(".agency-queue tbody tr", has_text=application.number)
    expect(row).to_contain_text(binding.unit.name)
    expect(row).to_contain_text("未领取")
    screenshot(page, "agency-queue")

    row.get_by_role("link", name=application.number).click()
    expect(page.get_by_role("heading", name="单位参保关键信息变更", exact=True)).to_be_visible()
    changed = page.locator(".agency-compare__row--changed", has_text="单位名称")
    expect(changed).to_contain_text("变更")
    expect(changed).to_contain_text(KEY["name"])
    expect(page.locator(".agency-compare__row--readonly", has_text="统一社会信用代码")).to_contain_text(
        "只读"
    )
    image = page.get_by_role("img", name="单位参保关键信息变更表")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth") == 40  # really loaded
    pdf_page = page.get_by_role("img", name="营业执照 第1页")  # the PDF drawn as images
    pdf_page.scroll_into_view_if_needed()
    expect(pdf_page).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=pdf_page.element_handle())
    assert pdf_page.evaluate("img => img.naturalWidth") == 1240
    with page.expect_download() as download:  # the PDF itself is only a download
        page.get_by_role("link", name="下载原文件").click()
    assert download.value.suggested_filename == f"{application.number}-licence.pdf"
    screenshot(page, "agency-review")

    claim(page)
    expect(page.get_by_text(f"已领取办件 {application.number}，请审核")).to_be_visible()
    page.get_by_role("button", name="退回补正").click()  # without saying what to correct: refused
    expect(page.locator(".field__error")).to_have_text("请填写需要补正的内容")
    page.get_by_label("审核意见").fill("营业执照扫描件不清晰，请重新上传")
    screenshot(page, "agency-review-claimed")
    page.get_by_role("button", name="退回补正").click()
    expect(page.get_by_text(f"办件 {application.number} 已退回补正，补正要求已通知单位")).to_be_visible()
    assert Application.objects.get(pk=application.pk).status == Status.RETURNED

    # The operator corrects and resubmits (through the services, as the hall would).
    operator = binding.operator.user
    services.application_print_mark(application=application, actor=operator)
    services.application_submit(application=application, actor=operator)

    page.goto(page.base_url + f"/agency/applications/{application.pk}/")
    expect(page.locator(".agency-timeline")).to_contain_text("补正后重新提交")
    claim(page)
    page.get_by_label("审核意见").fill("材料齐全，准予变更")
    page.get_by_role("button", name="通过", exact=True).click()
    expect(
        page.get_by_text(f"办件 {application.number} 审核通过，变更已生效，结果已通知单位")
    ).to_be_visible()
    screenshot(page, "agency-queue-after-approval")

    unit = Unit.objects.get(pk=binding.unit_id)
    assert (unit.name, unit.address, unit.legal_rep_name, unit.legal_rep_cert_no) == (
        KEY["name"], KEY["address"], KEY["legal_rep_name"], NEW_ID,
    )  # fmt: skip
    page.goto(page.base_url + f"/agency/applications/{application.pk}/")
    expect(page.locator(".agency-status")).to_have_text("审核通过")
    screenshot(page, "agency-review-approved")


def test_a_reviewer_reads_the_persons_of_a_batch_before_deciding(page: Any) -> None:
    from yibao.agency.tests.test_review_persons import submitted_batch
    from yibao.cases.tests.batches import person_name

    application = submitted_batch(45)
    reviewer("shenhe-batch")
    login_reviewer(page, "shenhe-batch")
    page.goto(page.base_url + f"/agency/applications/{application.pk}/")
    persons = page.locator("#persons")
    expect(persons.get_by_role("heading", name="人员名单")).to_be_visible()
    expect(persons).to_contain_text("共 45 人")
    expect(persons.locator("tbody tr")).to_have_count(20)
    screenshot(page, "agency-review-batch-persons")
    persons.get_by_role("link", name="下一页").click()
    expect(page.locator("#persons tbody tr").first).to_contain_text(person_name(20))
    page.get_by_label("姓名或证件号码后4位").fill(person_name(33))
    page.locator("#persons").get_by_role("button", name="查询").click()
    expect(page.locator("#persons tbody tr")).to_have_count(1)
    expect(page.locator("#persons tbody tr")).to_contain_text(person_name(33))
    screenshot(page, "agency-review-batch-search")
