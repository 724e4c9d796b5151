"""The 备案 pages through the test client: reaching them, finding the person, the form (typed
input kept on every refusal), the workspace's materials, the double submit, 变更 and 取消."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.pagecheck import check_page, visible_text
from yibao.cases.models import Application, Material, Status
from yibao.core.tests.factories import operator_login
from yibao.filings.kinds import COMMITMENT_TEXT
from yibao.filings.models import Filing
from yibao.filings.rules import add_months
from yibao.filings.tests.helpers import ITEMS, filed, filing_binding, insured
from yibao.operators.models import Binding
from yibao.units.tests.helpers import png_bytes

pytestmark = pytest.mark.django_db
NOT_FOUND = "未查询到该人员在本单位的参保信息，请核对证件号码"


@pytest.fixture
def binding(client: Client) -> Binding:
    return operator_login(client, filing_binding())


def form_data(**changes: str) -> dict[str, str]:
    today = timezone.localdate()
    return {
        "insutype": "310", "care_division_0": "440000", "care_division_1": "440300",
        "address": "深圳市南山区科技园1号", "phone": "0755-26012345", "start_date": today.isoformat(),
        "network": "1", "out_hospital": "昆明医科大学第一附属医院", "in_hospital": "北京大学深圳医院", **changes,
    }  # fmt: skip


def test_the_item_tiles_lead_to_the_pages(client: Client, binding: Binding) -> None:
    for code, slug in zip(
        ITEMS, ("retiree-relocation", "long-term-residence", "posted-worker", "referral"), strict=True
    ):
        response = client.get(reverse("operators:item", args=[code]))
        assert (response.status_code, response["Location"]) == (302, reverse(f"filings:{slug}"))
        page = check_page(client.get(response["Location"]))
        assert page.find("label", attrs={"for": "id_cert_no"}) is not None


def test_the_search_finds_only_persons_in_force_of_the_unit_and_population(
    client: Client, binding: Binding
) -> None:
    mine = insured(binding)
    stranger = insured(filing_binding())
    retired = insured(binding, psn_type="1201")
    url = reverse("filings:referral")
    for cert_no in (stranger.cert_no, "110101199003070011", ""):
        page = check_page(client.post(url, {"cert_no": cert_no}), echoed=(cert_no,))
        assert (NOT_FOUND if cert_no else "请输入证件号码") in visible_text(page)
    response = client.post(url, {"cert_no": mine.cert_no.lower()})
    assert response["Location"] == reverse("filings:referral-person", args=[mine.pk])
    # an operator whose 管理人群 is 在职职工 does not find a retiree
    from yibao.units.models import Population

    binding.populations.set(Population.objects.filter(code="in-service"))
    page = check_page(client.post(url, {"cert_no": retired.cert_no}), echoed=(retired.cert_no,))
    assert NOT_FOUND in visible_text(page)
    assert client.get(reverse("filings:referral-person", args=[retired.pk])).status_code == 404


def test_another_units_person_or_filing_is_404(client: Client, binding: Binding) -> None:
    other = filing_binding()
    stranger = insured(other)
    filed(other, stranger, "referral")
    filing = Filing.objects.get()
    assert client.get(reverse("filings:referral-person", args=[stranger.pk])).status_code == 404
    assert client.get(reverse("filings:referral-change", args=[filing.pk])).status_code == 404
    assert (
        client.post(reverse("filings:referral-cancel", args=[filing.pk]), {"cancel_reason": "x"}).status_code
        == 404
    )
    assert Filing.objects.get().status == Filing.Status.FILED


def test_the_form_shows_the_person_masked_and_labels_every_field(client: Client, binding: Binding) -> None:
    person = insured(binding)
    page = check_page(client.get(reverse("filings:referral-person", args=[person.pk])))
    text = visible_text(page)
    assert person.name in text and person.cert_no not in page.decode()
    for label in ("险种", "居外地址", "联系电话", "开始日期", "结束日期", "异地联网方式", "转出医院", "转入医院",
                  "代办人姓名", "代办人证件号码"):  # fmt: skip
        assert page.find("label", string=label) is not None, label
    assert page.find("legend", string="就医地") is not None
    assert COMMITMENT_TEXT not in text  # a referral rests on the 转诊证明
    assert [b.get_text() for b in page.select(".form-actions button")] == ["下一步"]


def test_a_refused_form_keeps_what_was_typed(client: Client, binding: Binding) -> None:
    person = insured(binding)
    url = reverse("filings:referral-person", args=[person.pk])
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    cases = [
        (form_data(end_date=yesterday), "结束日期不能早于开始日期"),
        (form_data(care_division_0="530000", care_division_1="530100"), "就医地不能为参保地"),
        (form_data(care_division_1=""), "请选择市（地区、州）"),
        (form_data(phone="12"), "请输入正确的联系电话"),
        (form_data(agent_name="王五"), "由他人代办时请填写代办人证件号码"),
        (form_data(start_date="2026-13-01"), "开始日期格式不正确"),
    ]
    for data, message in cases:
        page = check_page(client.post(url, data), echoed=(data["phone"],))
        assert message in visible_text(page), message
        assert page.find("input", attrs={"name": "address"})["value"] == "深圳市南山区科技园1号"
        assert page.find("input", attrs={"name": "out_hospital"})["value"] == "昆明医科大学第一附属医院"
    assert not Application.objects.exists()


def test_the_region_pickers_choose_button_keeps_the_form(client: Client, binding: Binding) -> None:
    person = insured(binding)
    data = form_data(care_division_1="", _region_refresh="care_division")
    page = check_page(
        client.post(reverse("filings:referral-person", args=[person.pk]), data), echoed=(data["phone"],)
    )
    assert page.select_one(".error-summary") is None
    cities = [o.get_text() for o in page.select("select[name=care_division_1] option")]
    assert "深圳市" in cities
    assert page.find("input", attrs={"name": "address"})["value"] == "深圳市南山区科技园1号"


def upload(client: Client, application: Application, code: str, file: SimpleUploadedFile) -> Any:
    return client.post(
        reverse("cases:material-upload", args=[application.pk]),
        {"code": code, f"{code}-file": file},
        follow=True,
    )


@override_settings(YIBAO_UPLOAD_MAX_BYTES=2_000)
def test_filing_uploading_and_submitting_once(client: Client, binding: Binding) -> None:
    person = insured(binding)
    response = client.post(reverse("filings:referral-person", args=[person.pk]), form_data())
    application = Application.objects.get()
    assert response["Location"] == reverse("cases:edit", args=[application.pk])
    workspace = check_page(client.get(response["Location"]))
    assert workspace.find("label", string="上传转诊证明") is not None
    assert "北京大学深圳医院" in visible_text(workspace) and "广东省深圳市" in visible_text(workspace)
    fake = SimpleUploadedFile("证明.png", b"not an image at all", content_type="image/png")
    assert "文件" in visible_text(check_page(upload(client, application, "referral-proof", fake)))
    large = SimpleUploadedFile("证明.png", png_bytes() + b"\0" * 5_000, content_type="image/png")
    check_page(upload(client, application, "referral-proof", large))
    other = SimpleUploadedFile("证明.png", png_bytes(), content_type="image/png")
    assert "该业务不需要此材料" in visible_text(
        check_page(upload(client, application, "settlement-proof", other))
    )
    assert not Material.objects.exists()
    good = SimpleUploadedFile("证明.png", png_bytes(), content_type="image/png")
    assert "上传成功" in visible_text(check_page(upload(client, application, "referral-proof", good)))
    key = check_page(client.get(response["Location"])).select_one("input[name=submit_key]")["value"]
    submit = reverse("cases:submit", args=[application.pk])
    first = client.post(submit, {"submit_key": key}, follow=True)
    assert "异地转诊备案已提交，请等待医保经办机构审核" in visible_text(check_page(first))
    assert client.post(submit, {"submit_key": key}).status_code == 302
    assert Application.objects.count() == 1 and Application.objects.get().status == Status.SUBMITTED
    assert Filing.objects.get().status == Filing.Status.APPLYING
    # the same person cannot start another filing meanwhile
    page = check_page(client.get(reverse("filings:long-term-residence-person", args=[person.pk])))
    assert "该人员有一笔正在办理的异地转诊备案" in visible_text(page)
    assert page.find("form", class_="filing-form") is None


def test_the_commitment_is_offered_where_the_profile_takes_it(client: Client, binding: Binding) -> None:
    person = insured(binding)
    url = reverse("filings:long-term-residence-person", args=[person.pk])
    page = check_page(client.get(url))
    assert COMMITMENT_TEXT in visible_text(page)
    assert page.find("label", string="本人已阅读并同意以上承诺") is not None
    client.post(url, form_data(commitment="on"))
    application = Application.objects.get()
    workspace = check_page(client.get(reverse("cases:edit", args=[application.pk])))
    assert workspace.find(id="materials") is None  # no proof to upload
    assert "已签署告知承诺书" in visible_text(workspace)
    with override_settings(YIBAO_PROFILE="henan"):
        assert COMMITMENT_TEXT not in visible_text(check_page(client.get(url)))


def long_term(binding: Binding) -> Filing:
    person = insured(binding, start=timezone.localdate() - datetime.timedelta(days=800))
    start = add_months(timezone.localdate(), -7).isoformat()
    filed(binding, person, "long-term-residence", start_date=start)
    return Filing.objects.get(person=person)


def test_a_change_keeps_the_phone_unless_retyped(client: Client, binding: Binding) -> None:
    filing = long_term(binding)
    url = reverse("filings:long-term-residence-change", args=[filing.pk])
    page = check_page(client.get(url))
    assert page.find("input", attrs={"name": "phone"}).get("value") is None  # never in full
    assert "当前：139****5678" in visible_text(page)
    data = {
        "care_division_0": "440000",
        "care_division_1": "440100",
        "address": filing.address,
        "network": "1",
    }
    response = client.post(url, data)
    application = Application.objects.get(type_code="filing-long-term-residence-change")
    assert response["Location"] == reverse("cases:edit", args=[application.pk])
    assert application.payload["phone"] == "13912345678" and application.payload["care_division"] == "440100"


def test_a_cancellation_is_submitted_by_its_save(client: Client, binding: Binding) -> None:
    person = insured(binding)
    filed(binding, person, "referral")
    filing = Filing.objects.get()
    url = reverse("filings:referral-cancel", args=[filing.pk])
    page = check_page(client.get(url))
    assert [b.get_text() for b in page.select(".form-actions button")] == ["保存"]
    assert "请输入取消原因" in visible_text(check_page(client.post(url, {"submit_key": "c1"})))
    response = client.post(url, {"cancel_reason": "已康复出院", "submit_key": "c2"}, follow=True)
    assert "异地转诊备案取消已提交，请等待医保经办机构审核" in visible_text(check_page(response))
    again = client.post(url, {"cancel_reason": "已康复出院", "submit_key": "c2"})
    assert again.status_code == 302
    assert Application.objects.filter(type_code="filing-referral-cancel").count() == 1
    assert Filing.objects.get().status == Filing.Status.FILED  # until the agency approves
