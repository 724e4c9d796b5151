"""参保证明查验 through the test client: genuine, refused, the QR link, CSRF and the rate limit."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.pagecheck import check_page, visible_text
from yibao.accounts import lockout
from yibao.certificates.codes import verification_code
from yibao.certificates.models import Certificate
from yibao.certificates.printing import verify_path
from yibao.certificates.services import certificate_issue
from yibao.certificates.tests.helpers import months, paid
from yibao.core.audit import RequestOrigin
from yibao.core.tests.factories import InsuranceFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/verify/"
REFUSED = "证明编号或验证码不正确"


@pytest.fixture
def certificate() -> Certificate:
    insurance = InsuranceFactory.create(person__name="王小芳")
    return certificate_issue(
        unit=insurance.unit, person=insurance.person, actor=UserFactory.create(), origin=RequestOrigin()
    )


def wrong(code: str) -> str:
    return ("2" if code[0] != "2" else "3") + code[1:]


def test_the_page_is_public_and_linked_from_the_portal(client: Client) -> None:
    assert reverse("certificates-public:check") == URL
    soup = check_page(client.get(URL))
    assert (
        soup.find("label", string="证明编号") is not None and soup.find("label", string="验证码") is not None
    )
    assert client.get("/services/certificate-verify/")["Location"] == URL
    directory = check_page(client.get("/services/?type=public"))
    assert directory.find("a", href=URL) is not None


def test_a_genuine_certificate_shows_what_it_certified_with_the_person_masked(
    client: Client, certificate: Certificate
) -> None:
    response = client.post(
        URL, {"number": certificate.number, "code": verification_code(certificate).lower()}
    )
    soup = check_page(response, echoed=(certificate.number,))
    verdict = visible_text(soup.select_one(".certificate-verdict"))
    assert "查验通过" in verdict
    assert "个人参保证明" in verdict and "王**" in verdict and "王小芳" not in visible_text(soup)
    issued = timezone.localdate(certificate.issued_at)
    assert f"{issued.year}年{issued.month}月{issued.day}日" in verdict
    assert certificate.agency_name in verdict
    person = certificate.person
    assert person is not None and person.cert_no not in visible_text(soup)
    assert f"{person.cert_no[:4]}{'*' * 10}{person.cert_no[-4:]}" in verdict
    assert certificate.unit.name in verdict  # where the person is insured: what the paper certifies


def test_the_figures_shown_are_those_issued_so_an_altered_paper_shows(client: Client) -> None:
    insurance = InsuranceFactory.create(person__name="王小芳", insutype="310", first_insured_ym=202001)
    paid(insurance, *months(202401, 14))
    certificate = certificate_issue(
        unit=insurance.unit, person=insurance.person, actor=UserFactory.create(), origin=RequestOrigin()
    )
    paid(insurance, *months(202503, 10))  # paid after the issue: the certificate still says 14
    soup = check_page(client.post(URL, {"number": certificate.number, "code": verification_code(certificate)}),
                      echoed=(certificate.number,))  # fmt: skip
    rows = [
        [visible_text(td) for td in tr.select("td")]
        for tr in soup.select(".certificate-verdict__rows tbody tr")
    ]
    assert rows == [
        ["职工基本医疗保险", "职工在职", "正常参保", "2020年01月", "14", "2024年01月至2025年02月"]
    ]
    assert "证明期间：2024年01月至2025年02月" in visible_text(soup.select_one(".certificate-verdict"))


def test_a_unit_certificate_names_the_unit_in_full(client: Client, certificate: Certificate) -> None:
    unit_certificate = certificate_issue(
        unit=certificate.unit, person=None, actor=UserFactory.create(), origin=RequestOrigin()
    )
    response = client.post(
        URL, {"number": unit_certificate.number, "code": verification_code(unit_certificate)}
    )
    verdict = visible_text(
        check_page(response, echoed=(unit_certificate.number,)).select_one(".certificate-verdict")
    )
    assert "单位参保证明" in verdict and certificate.unit.name in verdict


@pytest.mark.parametrize("case", ["wrong-code", "unknown-number", "other-certificates-code"])
def test_a_forged_pair_is_refused_with_one_message(
    client: Client, certificate: Certificate, case: str
) -> None:
    code = verification_code(certificate)
    other = certificate_issue(
        unit=certificate.unit, person=None, actor=UserFactory.create(), origin=RequestOrigin()
    )
    data = {
        "wrong-code": {"number": certificate.number, "code": wrong(code)},
        "unknown-number": {"number": "2026010100000000", "code": code},
        "other-certificates-code": {"number": certificate.number, "code": verification_code(other)},
    }[case]
    soup = check_page(client.post(URL, data), echoed=tuple(data.values()))
    assert REFUSED in visible_text(soup) and soup.select_one(".certificate-verdict") is None


def test_a_row_changed_after_issue_no_longer_matches_its_code(
    client: Client, certificate: Certificate
) -> None:
    code = verification_code(certificate)
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="李四")
    soup = check_page(
        client.post(URL, {"number": certificate.number, "code": code}), echoed=(certificate.number,)
    )
    assert REFUSED in visible_text(soup)


def test_the_qr_link_fills_the_form_in_and_checks(client: Client, certificate: Certificate) -> None:
    link = verify_path(certificate.number, verification_code(certificate))
    soup = check_page(client.get(link), echoed=(certificate.number,))
    assert "查验通过" in visible_text(soup)
    assert soup.find("input", attrs={"name": "number"})["value"] == certificate.number


def test_the_form_needs_csrf(certificate: Certificate) -> None:
    client = Client(enforce_csrf_checks=True)
    data = {"number": certificate.number, "code": verification_code(certificate)}
    assert client.post(URL, data).status_code == 403


def test_too_many_wrong_pairs_from_one_address_are_refused_for_a_while(
    client: Client, certificate: Certificate, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.YIBAO_CERT_VERIFY_FAILURES_PER_IP = 3
    settings.YIBAO_CERT_VERIFY_WINDOW_MINUTES = 10
    code = verification_code(certificate)
    good = {"number": certificate.number, "code": code}
    for _ in range(3):
        assert client.post(URL, {"number": certificate.number, "code": wrong(code)}).status_code == 200
    response = client.post(URL, good)  # even the right code, while limited
    soup = check_page(response, status=429, echoed=(certificate.number,))
    assert "查验失败次数过多，请10分钟后再试" in visible_text(soup)
    assert soup.select_one(".certificate-verdict") is None
    assert response["Retry-After"] == "600"

    other_address = Client(REMOTE_ADDR="10.0.0.9")
    assert "查验通过" in visible_text(check_page(other_address.post(URL, good), echoed=(certificate.number,)))

    later = timezone.now() + datetime.timedelta(minutes=10, seconds=1)
    monkeypatch.setattr(lockout, "_now", lambda: later)
    assert "查验通过" in visible_text(check_page(client.post(URL, good), echoed=(certificate.number,)))


def test_genuine_checks_do_not_count_against_the_address(
    client: Client, certificate: Certificate, settings
) -> None:
    settings.YIBAO_CERT_VERIFY_FAILURES_PER_IP = 2
    good = {"number": certificate.number, "code": verification_code(certificate)}
    for _ in range(4):
        assert client.post(URL, good).status_code == 200
