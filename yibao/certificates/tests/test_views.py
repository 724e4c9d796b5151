"""The certificate pages through the test client: scoping, issuing, the PDF, the audit trail."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.pagecheck import check_page, visible_text
from yibao.certificates.codes import verification_code
from yibao.certificates.models import Certificate
from yibao.certificates.tests.helpers import months, paid, pdf_fonts, pdf_text
from yibao.core.masking import mask_id_number
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, grant
from yibao.operators.access import POPULATION_KEY
from yibao.operators.models import Binding
from yibao.operators.session import CURRENT_UNIT_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def binding(client: Client) -> Binding:
    binding = grant(BindingFactory.create(), "unit-certificate", "person-certificate")
    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit_id
    session.save()
    return binding


def test_the_item_tiles_lead_to_the_pages(client: Client, binding: Binding) -> None:
    for code, name in (
        ("unit-certificate", "certificates:unit"),
        ("person-certificate", "certificates:person-search"),
    ):
        response = client.get(reverse("operators:item", args=[code]))
        assert response["Location"] == reverse(name)
        check_page(client.get(response["Location"]))


def test_the_unit_page_shows_the_content_and_the_preview_the_same_document(
    client: Client, binding: Binding
) -> None:
    insurance = InsuranceFactory.create(unit=binding.unit)
    paid(insurance, *months(202401, 14))
    text = visible_text(check_page(client.get(reverse("certificates:unit"))))
    assert "职工基本医疗保险" in text and "参保缴费" in text and "2024年01月至2025年02月" in text
    assert "预览效果" in text and "打印" in text
    soup = check_page(client.get(reverse("certificates:unit-preview")))
    document = visible_text(soup.select_one(".certificate-doc"))
    assert "单位参保证明" in document and binding.unit.name in document and "14" in document
    assert "证明编号：（打印时生成）" in document
    assert Certificate.objects.count() == 0  # looking issues nothing


def test_print_issues_a_unit_certificate_audits_it_and_downloads_the_pdf(
    client: Client, binding: Binding, tmp_path: Path
) -> None:
    InsuranceFactory.create(unit=binding.unit)
    response = client.post(reverse("certificates:unit-print"))
    certificate = Certificate.objects.get()
    assert response["Location"] == reverse("certificates:unit-pdf", args=[certificate.pk])
    assert (certificate.kind, certificate.unit, certificate.person, certificate.issued_by) == (
        "unit", binding.unit, None, binding.operator.user
    )  # fmt: skip
    event = AuditEvent.objects.get(action="certificate_issue")
    assert (event.unit_id, event.object_id, event.actor_id) == (
        binding.unit_id,
        str(certificate.pk),
        binding.operator.user.pk,
    )
    assert event.after == {"number": certificate.number, "kind": "unit", "person": ""}

    pdf = client.get(response["Location"])
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="{certificate.number}.pdf"'
    text = pdf_text(pdf.content, tmp_path)
    assert binding.unit.name in text and certificate.number in text and verification_code(certificate) in text
    assert "云南省昆明市西山区医疗保障经办机构" in text


def test_the_pdf_embeds_the_cjk_font(client: Client, binding: Binding, tmp_path: Path) -> None:
    InsuranceFactory.create(unit=binding.unit)
    response = client.post(reverse("certificates:unit-print"))
    fonts = pdf_fonts(client.get(response["Location"]).content, tmp_path)
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk != []
    assert all(re.search(r"\byes\s+yes\b", line) for line in cjk), fonts  # embedded, subset


def test_a_person_is_found_by_type_and_number_and_gets_a_certificate(
    client: Client, binding: Binding, tmp_path: Path
) -> None:
    insurance = InsuranceFactory.create(unit=binding.unit, person__name="赵一")
    paid(insurance, *months(202401, 6))
    person = insurance.person
    response = client.post(
        reverse("certificates:person-search"), {"cert_type": "01", "cert_no": person.cert_no}
    )
    assert response["Location"] == reverse("certificates:person", args=[person.pk])
    soup = check_page(client.get(response["Location"]))
    text = visible_text(soup)
    assert "赵一" in text and mask_id_number(person.cert_no) in text and "正常参保" in text
    check_page(client.get(reverse("certificates:person-preview", args=[person.pk])))

    response = client.post(reverse("certificates:person-print", args=[person.pk]))
    certificate = Certificate.objects.get()
    assert (certificate.kind, certificate.person, certificate.holder_name) == ("person", person, "赵一")
    assert response["Location"] == reverse("certificates:person-pdf", args=[certificate.pk])
    text = pdf_text(client.get(response["Location"]).content, tmp_path)
    assert "赵一" in text and "职工基本医疗保险" in text and certificate.number in text
    assert person.cert_no not in text and mask_id_number(person.cert_no) in text
    assert AuditEvent.objects.filter(action="certificate_issue", object_id=str(certificate.pk)).count() == 1


def test_another_units_person_is_not_found_and_its_ids_give_404(client: Client, binding: Binding) -> None:
    stranger = InsuranceFactory.create(person__name="孙三")
    url = reverse("certificates:person-search")
    response = client.post(url, {"cert_type": "01", "cert_no": stranger.person.cert_no})
    text = visible_text(check_page(response, echoed=(stranger.person.cert_no,)))
    assert "未查询到该人员在本单位的参保信息" in text and "孙三" not in text
    for name in ("certificates:person", "certificates:person-preview"):
        assert client.get(reverse(name, args=[stranger.person_id])).status_code == 404
    assert client.post(reverse("certificates:person-print", args=[stranger.person_id])).status_code == 404
    assert Certificate.objects.count() == 0


def test_a_person_outside_the_current_population_is_not_found(client: Client, binding: Binding) -> None:
    retired = InsuranceFactory.create(unit=binding.unit, psn_type="1201")
    session = client.session
    session[POPULATION_KEY] = {str(binding.unit_id): "in-service"}
    session.save()
    response = client.post(
        reverse("certificates:person-search"), {"cert_type": "01", "cert_no": retired.person.cert_no}
    )
    assert "未查询到该人员在本单位的参保信息" in visible_text(
        check_page(response, echoed=(retired.person.cert_no,))
    )
    assert client.get(reverse("certificates:person", args=[retired.person_id])).status_code == 404


def test_another_units_certificate_is_not_found(client: Client, binding: Binding) -> None:
    other = grant(BindingFactory.create(), "unit-certificate", "person-certificate")
    InsuranceFactory.create(unit=other.unit)
    other_client = Client()
    other_client.force_login(other.operator.user)
    session = other_client.session
    session[CURRENT_UNIT_KEY] = other.unit_id
    session.save()
    other_client.post(reverse("certificates:unit-print"))
    certificate = Certificate.objects.get()
    assert client.get(reverse("certificates:unit-pdf", args=[certificate.pk])).status_code == 404
    assert client.get(reverse("certificates:person-pdf", args=[certificate.pk])).status_code == 404


def test_the_person_search_requires_both_fields(client: Client, binding: Binding) -> None:
    response = client.post(reverse("certificates:person-search"), {"cert_type": "", "cert_no": ""})
    text = visible_text(check_page(response))
    assert "请选择证件类型" in text and "请输入证件号码" in text
