"""个人参保证明打印 and 参保证明查验 in a browser: the operator finds the person, previews the
certificate, prints (downloads) the PDF; the text of the PDF names the person, the 险种 and the
number; a member of the public checks the number and code on the public page (genuine), then a
forged code (refused)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_operators import login_operator
from yibao.certificates.models import Certificate
from yibao.certificates.tests.helpers import months, paid, pdf_text
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, grant


def test_operator_prints_a_person_certificate_and_the_public_checks_it(
    page: Any, browser: Any, tmp_path: Path
) -> None:
    binding = grant(BindingFactory.create(operator__name="李娜"), "person-certificate")
    insurance = InsuranceFactory.create(unit=binding.unit, person__name="赵一鸣")
    paid(insurance, *months(202401, 18))
    login_operator(page, binding.operator.mobile, binding.unit.name)

    page.locator(".service-tile", has_text="个人参保证明打印").get_by_role("link").click()
    expect(page.get_by_role("heading", name="个人参保证明打印")).to_be_visible()
    page.get_by_label("证件类型").select_option(label="居民身份证(户口簿)")
    page.get_by_label("证件号码").fill(insurance.person.cert_no)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("赵一鸣").first).to_be_visible()
    expect(page.locator(".certificate-rows")).to_contain_text("职工基本医疗保险")
    expect(page.locator(".certificate-rows")).to_contain_text("18")

    page.get_by_role("link", name="预览效果").click()
    document = page.locator(".certificate-doc")
    expect(document).to_contain_text("个人参保证明")
    expect(document).to_contain_text("赵一鸣")
    expect(document).to_contain_text("2024年01月至2025年06月")
    screenshot(page, "certificate-preview")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="打印").click()
    download = download_info.value
    certificate = Certificate.objects.get()
    assert download.suggested_filename == f"{certificate.number}.pdf"
    pdf_path = tmp_path / "downloaded.pdf"
    download.save_as(str(pdf_path))
    text = pdf_text(pdf_path.read_bytes(), tmp_path)
    assert "赵一鸣" in text and "职工基本医疗保险" in text and certificate.number in text
    found = re.search(r"验证码：([2-9A-HJKMNP-Z]{10})", text)
    assert found is not None, text
    code = found.group(1)

    public = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    public.goto(page.base_url + "/services/?type=public")
    public.get_by_role("link", name="参保证明查验").click()
    public.get_by_label("证明编号").fill(certificate.number)
    public.get_by_label("验证码").fill(code)
    public.get_by_role("button", name="查验").click()
    verdict = public.locator(".certificate-verdict")
    expect(verdict).to_contain_text("查验通过")
    expect(verdict).to_contain_text("个人参保证明")
    expect(verdict).to_contain_text("赵**")
    expect(public.get_by_text("赵一鸣")).to_have_count(0)
    screenshot(public, "certificate-verify-genuine")

    forged = ("2" if code[0] != "2" else "3") + code[1:]
    public.get_by_label("验证码").fill(forged)
    public.get_by_role("button", name="查验").click()
    expect(public.get_by_text("证明编号或验证码不正确")).to_be_visible()
    expect(public.locator(".certificate-verdict")).to_have_count(0)
    screenshot(public, "certificate-verify-refused")


def test_operator_prints_a_filing_receipt_and_the_public_checks_it(
    page: Any, browser: Any, tmp_path: Path
) -> None:
    """备案凭证: from the filing's row in the hall (打印备案凭证) to the PDF, then 参保证明查验
    shows what it certified and, after the filing is cancelled, that it no longer holds."""
    from yibao.filings.models import Filing
    from yibao.filings.tests.helpers import CANCEL, approve, draft, filed, filing_binding, insured, submit

    binding = filing_binding(operator__name="李娜")
    person = insured(binding)
    filed(binding, person, "referral")
    filing = Filing.objects.get()
    login_operator(page, binding.operator.mobile, binding.unit.name)

    page.locator(".service-tile", has_text="异地转诊备案").get_by_role("link").click()
    page.get_by_label("证件号码").fill(person.cert_no)
    page.get_by_role("button", name="查询").click()
    row = page.get_by_role("row", name=re.compile(filing.number))
    expect(row).to_contain_text("已备案")
    screenshot(page, "filing-receipt-row")
    with page.expect_download() as download_info:
        row.get_by_role("button", name="打印备案凭证").click()
    download = download_info.value
    receipt = Certificate.objects.get(kind=Certificate.Kind.FILING)
    assert download.suggested_filename == f"{receipt.number}.pdf"
    pdf_path = tmp_path / "receipt.pdf"
    download.save_as(str(pdf_path))
    text = pdf_text(pdf_path.read_bytes(), tmp_path)
    assert "异地就医备案凭证" in text and filing.number in text and receipt.number in text
    found = re.search(r"验证码：([2-9A-HJKMNP-Z]{10})", text)
    assert found is not None, text
    code = found.group(1)

    public = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    public.goto(page.base_url + "/verify/")
    public.get_by_label("证明编号").fill(receipt.number)
    public.get_by_label("验证码").fill(code)
    public.get_by_role("button", name="查验").click()
    verdict = public.locator(".certificate-verdict")
    expect(verdict).to_contain_text("查验通过：该备案凭证真实")
    expect(verdict).to_contain_text("已备案")
    expect(verdict).to_contain_text(filing.number)
    expect(verdict).to_contain_text("广东省深圳市")
    expect(public.get_by_text(person.name, exact=True)).to_have_count(0)
    screenshot(public, "filing-receipt-verify-genuine")

    cancellation = draft(
        binding, person, "referral", {"cancel_reason": "已康复出院"}, action=CANCEL, filing_id=filing.pk
    )
    submit(cancellation, binding.operator.user)
    approve(cancellation)
    public.get_by_role("button", name="查验").click()
    expect(public.locator(".certificate-verdict__now")).to_contain_text("已取消")
    expect(public.locator(".certificate-verdict__now")).to_contain_text("本凭证不再有效")
    screenshot(public, "filing-receipt-verify-cancelled")
