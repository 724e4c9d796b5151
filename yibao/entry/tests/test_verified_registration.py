"""Registration that starts from a verified identity (数字证书注册, 统一身份认证平台): 单位名称 and
统一社会信用代码 come from the proof, are locked, and what is stored is what was verified."""

import pytest
from django.test import RequestFactory

from tests.pagecheck import check_page
from yibao.core.models import AuditEvent
from yibao.entry.registration_views import registration_start_verified
from yibao.entry.tests.test_registration import ECHO, OPERATOR_STEP, UNIT_STEP, USCC, errors, send_code
from yibao.entry.verified_identity import VerifiedSource, VerifiedUnit, verified_unit
from yibao.units.models import Unit

VERIFIED = VerifiedUnit(
    source=VerifiedSource.CA,
    name="昆明云岭科技有限公司",
    uscc=USCC,
    reference={"serial": "1f2e", "issuer": "CN=演示根证书"},
)


@pytest.fixture
def verified_client(client):
    session = client.session
    request = RequestFactory().get("/")
    request.session = session
    session["yibao_registration"] = {"unit": {"name": "earlier typing"}}
    response = registration_start_verified(request, VERIFIED)
    session.save()
    assert response["Location"] == "/hall/register/"
    assert "yibao_registration" not in session  # a verified start drops what was typed before
    return client


@pytest.mark.django_db
def test_the_verified_name_and_uscc_are_shown_locked(verified_client) -> None:
    soup = check_page(verified_client.get("/hall/register/"))
    for name, value in (("name", VERIFIED.name), ("uscc", USCC)):
        field = soup.find("input", attrs={"name": name})
        assert field.has_attr("disabled") and field["value"] == value
    assert "已由数字证书验证，不可修改" in soup.get_text()


@pytest.mark.django_db
def test_a_posted_name_or_uscc_cannot_replace_the_verified_ones(
    verified_client, django_capture_on_commit_callbacks
) -> None:
    response = verified_client.post(
        "/hall/register/", {**UNIT_STEP, "name": "别的公司", "uscc": "91110000802100433B"}
    )
    assert response.status_code == 302, errors(response)
    code = send_code(verified_client, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    response = verified_client.post("/hall/register/operator/", {**OPERATOR_STEP, "sms_code": code})
    assert response["Location"] == "/hall/register/done/", errors(response)
    unit = Unit.objects.get()
    assert (unit.name, unit.uscc) == (VERIFIED.name, USCC)
    event = AuditEvent.objects.get(action="unit_registration_verified", unit=unit)
    assert event.after == {"source": "ca", "serial": "1f2e", "issuer": "CN=演示根证书"}
    assert verified_unit(verified_client.session) is None  # spent with the registration


@pytest.mark.django_db
def test_without_verification_the_fields_stay_open(client) -> None:
    soup = check_page(client.get("/hall/register/"), echoed=ECHO)
    assert not soup.find("input", attrs={"name": "uscc"}).has_attr("disabled")
