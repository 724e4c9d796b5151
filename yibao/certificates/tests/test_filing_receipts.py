"""备案凭证 (异地就医备案凭证): printed from the filing's page for a filing 已备案 only, behind the
filing's grant and the operator's 管理人群; its PDF; and its check on the public 参保证明查验 page,
which tells a filing changed or cancelled since."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.pagecheck import check_page, visible_text
from yibao.agency.tests.helpers import reviewer
from yibao.cases import services as case_services
from yibao.cases.models import Application
from yibao.certificates.codes import verification_code
from yibao.certificates.models import Certificate
from yibao.certificates.printing import verify_path
from yibao.certificates.services import filing_receipt_issue
from yibao.certificates.tests.helpers import pdf_fonts, pdf_text, poppler
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.core.masking import mask_id_number
from yibao.core.models import AuditEvent
from yibao.core.pdf import FONT_FAMILY
from yibao.core.tests.factories import operator_login
from yibao.filings.models import Filing
from yibao.filings.tests.helpers import (
    CANCEL,
    CHANGE,
    approve,
    draft,
    filed,
    filing_binding,
    insured,
    referral_values,
    submit,
    upload,
)
from yibao.operators.models import Binding
from yibao.units.models import Population

pytestmark = pytest.mark.django_db
VERIFY = "/verify/"


@pytest.fixture
def binding(client: Client) -> Binding:
    return operator_login(client, filing_binding())


def referral(binding: Binding, **changes: str) -> Filing:
    person = insured(binding, psn_type=changes.pop("psn_type", "1101"))
    filed(binding, person, "referral", **changes)
    return Filing.objects.get(person=person, status=Filing.Status.FILED)


def print_url(filing: Filing) -> str:
    return reverse("certificates:filing-referral-print", args=[filing.pk])


def issue(filing: Filing, binding: Binding) -> Certificate:
    return filing_receipt_issue(filing=filing, actor=binding.operator.user, origin=RequestOrigin())


def change(binding: Binding, filing: Filing) -> Filing:
    """变更备案 of a referral (to 广州市), approved: the filing 已变更, the new version 已备案."""
    values = {k: v for k, v in referral_values().items() if k not in ("insutype", "start_date")}
    application = draft(
        binding, filing.person, "referral", {**values, "care_division": "440100"}, action=CHANGE,
        filing_id=filing.pk,
    )  # fmt: skip
    submit(application, binding.operator.user)
    approve(application)
    return Filing.objects.get(previous=filing)


def refuse(application: Application) -> None:
    checker = reviewer("shenhe-ba")
    case_services.application_claim(application=application, reviewer=checker)
    case_services.application_reject(application=application, reviewer=checker, reason="转诊证明不清晰")


def cancel(binding: Binding, filing: Filing) -> None:
    application = draft(
        binding,
        filing.person,
        "referral",
        {"cancel_reason": "已康复出院"},
        action=CANCEL,
        filing_id=filing.pk,
    )
    submit(application, binding.operator.user)
    approve(application)


def test_the_filings_page_offers_the_receipt_for_a_filing_in_force_only(
    client: Client, binding: Binding
) -> None:
    filing = referral(binding)
    page = check_page(client.get(reverse("filings:referral-person", args=[filing.person_id])))
    form = page.find("form", attrs={"action": print_url(filing)})
    assert form is not None and form.find("button").get_text() == "打印备案凭证"
    # once changed, the old version offers none; the new version does
    newer = change(binding, filing)
    page = check_page(client.get(reverse("filings:referral-person", args=[filing.person_id])))
    assert page.find("form", attrs={"action": print_url(filing)}) is None
    assert page.find("form", attrs={"action": print_url(newer)}) is not None


def test_printing_issues_the_receipt_and_downloads_its_pdf(
    client: Client, binding: Binding, tmp_path: Path
) -> None:
    filing = referral(binding)
    response = client.post(print_url(filing))
    receipt = Certificate.objects.get()
    assert (receipt.kind, receipt.filing, receipt.person, receipt.unit) == (
        Certificate.Kind.FILING, filing, filing.person, binding.unit,
    )  # fmt: skip
    assert response["Location"] == reverse("certificates:filing-referral-pdf", args=[receipt.pk])
    pdf = client.get(response["Location"])
    assert pdf["Content-Type"] == "application/pdf" and pdf["Cache-Control"] == "private, no-store"
    assert pdf["Content-Disposition"] == f'attachment; filename="{receipt.number}.pdf"'
    text = pdf_text(pdf.content, tmp_path)
    compact = "".join(poppler("pdftotext", pdf.content, tmp_path=tmp_path).split())  # cells wrap
    for expected in (
        "异地就医备案凭证", filing.number, "异地转诊备案", filing.person.name, "职工基本医疗保险",
        "参保地云南省昆明市西山区", "就医地广东省深圳市", "异地联网方式联网直接结算", "昆明医科大学第一附属医院",
        "北京协和医院", binding.unit.name, receipt.number, verification_code(receipt),
        "经办机构：云南省昆明市西山区医疗保障经办机构", "备案编号" + filing.number,
        f"{filing.start_date.year}年{filing.start_date.month}月{filing.start_date.day}日",
    ):  # fmt: skip
        assert expected.replace(" ", "") in compact, expected
    assert filing.person.cert_no not in text and filing.phone not in text and filing.address not in text
    fonts = pdf_fonts(pdf.content, tmp_path).splitlines()[2:]
    assert fonts and all(FONT_FAMILY.replace(" ", "-") in line for line in fonts)  # the one font
    event = AuditEvent.objects.get(action="filing_receipt_issue")
    assert event.after["filing"] == filing.number and event.object_id == str(receipt.pk)


@pytest.mark.parametrize("status", ["applying", "refused", "changed", "cancelled"])
def test_only_a_filing_in_force_gets_a_receipt(client: Client, binding: Binding, status: str) -> None:
    person = insured(binding)
    application = draft(binding, person, "referral", referral_values())
    upload(application, "referral-proof", binding.operator.user)
    submit(application, binding.operator.user)
    filing = Filing.objects.get()
    if status == "refused":
        refuse(application)
    elif status != "applying":
        approve(application)
    if status == "changed":
        change(binding, Filing.objects.get(pk=filing.pk))
    elif status == "cancelled":
        cancel(binding, Filing.objects.get(pk=filing.pk))
    filing.refresh_from_db()
    assert filing.status == status
    with pytest.raises(ApplicationError, match="只有已备案的备案才能打印备案凭证"):
        issue(filing, binding)
    response = client.post(print_url(filing), follow=True)
    page = check_page(response)
    assert f"该备案当前为{filing.get_status_display()}状态" in visible_text(page)
    assert not Certificate.objects.exists()


def test_another_units_or_populations_filing_is_not_found(client: Client, binding: Binding) -> None:
    other = filing_binding()
    stranger = referral(other)
    assert client.post(print_url(stranger)).status_code == 404
    theirs = issue(stranger, other)
    assert client.get(reverse("certificates:filing-referral-pdf", args=[theirs.pk])).status_code == 404
    # outside the operator's 管理人群: a retiree's filing, for an operator of 在职职工
    retiree = referral(binding, psn_type="1201")
    mine = issue(retiree, binding)
    binding.populations.set(Population.objects.filter(code="in-service"))
    assert client.post(print_url(retiree)).status_code == 404
    assert client.get(reverse("certificates:filing-referral-pdf", args=[mine.pk])).status_code == 404
    # a filing (or receipt) of another kind is not reached through this kind's pages
    assert (
        client.post(reverse("certificates:filing-posted-worker-print", args=[retiree.pk])).status_code == 404
    )
    assert Certificate.objects.count() == 2


def test_the_filings_grant_is_required(client: Client) -> None:
    from yibao.core.tests.factories import BindingFactory, grant

    holder = filing_binding()
    filing = referral(holder)
    receipt = issue(filing, holder)
    others = operator_login(
        client, grant(BindingFactory.create(unit=holder.unit), "filing-retiree-relocation")
    )
    assert others.unit == holder.unit
    assert client.post(print_url(filing)).status_code == 403
    assert client.get(reverse("certificates:filing-referral-pdf", args=[receipt.pk])).status_code == 403
    assert Certificate.objects.count() == 1


def test_the_receipt_verifies_with_its_code_only(client: Client, binding: Binding) -> None:
    filing = referral(binding)
    receipt = issue(filing, binding)
    code = verification_code(receipt)
    wrong = ("2" if code[0] != "2" else "3") + code[1:]
    refused = check_page(
        client.post(VERIFY, {"number": receipt.number, "code": wrong}), echoed=(receipt.number,)
    )
    assert (
        "证明编号或验证码不正确" in visible_text(refused)
        and refused.select_one(".certificate-verdict") is None
    )
    soup = check_page(client.get(verify_path(receipt.number, code.lower())), echoed=(receipt.number,))
    verdict = "".join(visible_text(soup.select_one(".certificate-verdict")).split())
    assert "查验通过：该备案凭证真实" in verdict and "备案当前状态：已备案，备案有效" in verdict
    for shown in (
        "异地就医备案凭证", filing.number, "异地转诊备案", "王*", mask_id_number(filing.person.cert_no), binding.unit.name,
        "职工基本医疗保险", "云南省昆明市西山区", "广东省深圳市", filing.start_date.isoformat(),
        filing.end_date.isoformat() if filing.end_date else "长期有效", "联网直接结算", "北京协和医院",
        "云南省昆明市西山区医疗保障经办机构",
    ):  # fmt: skip
        assert shown in verdict, shown
    assert filing.person.name not in visible_text(soup)  # the name masked, as the 参保证明's
    assert filing.address not in verdict


def test_a_receipt_pointed_at_another_filing_no_longer_verifies(client: Client, binding: Binding) -> None:
    filing, other = referral(binding), referral(binding)
    receipt = issue(filing, binding)
    code = verification_code(receipt)
    Certificate.objects.filter(pk=receipt.pk).update(filing=other)
    response = client.post(VERIFY, {"number": receipt.number, "code": code})
    assert "证明编号或验证码不正确" in visible_text(check_page(response, echoed=(receipt.number,)))


def verdict_of(client: Client, receipt: Certificate) -> str:
    response = client.post(VERIFY, {"number": receipt.number, "code": verification_code(receipt)})
    verdict = check_page(response, echoed=(receipt.number,)).select_one(".certificate-verdict")
    return "".join(visible_text(verdict).split())


def test_a_changed_filing_shows_its_present_status(client: Client, binding: Binding) -> None:
    filing = referral(binding)
    receipt = issue(filing, binding)
    newer = change(binding, filing)
    verdict = verdict_of(client, receipt)
    today = timezone.localdate()
    assert f"备案当前状态：已变更（{today.year}年{today.month}月{today.day}日），本凭证不再有效" in verdict
    assert f"变更后的备案编号为{newer.number}" in verdict
    assert "广东省深圳市" in verdict and "广东省广州市" not in verdict  # what the receipt certified
    assert "备案当前状态：已备案，备案有效" in verdict_of(client, issue(newer, binding))


def test_a_cancelled_filing_shows_its_present_status(client: Client, binding: Binding) -> None:
    filing = referral(binding)
    receipt = issue(filing, binding)
    cancel(binding, filing)
    verdict = verdict_of(client, receipt)
    assert "备案当前状态：已取消" in verdict and "本凭证不再有效" in verdict
    assert "备案有效" not in verdict


def test_a_filing_past_its_end_shows_it_no_longer_holds(client: Client, binding: Binding) -> None:
    filing = referral(binding)
    receipt = issue(filing, binding)
    past = timezone.localdate() - datetime.timedelta(days=1)
    Filing.objects.filter(pk=filing.pk).update(start_date=past - datetime.timedelta(days=30), end_date=past)
    verdict = verdict_of(client, receipt)
    assert "备案当前状态：已备案，已超过结束日期，备案不再有效" in verdict
