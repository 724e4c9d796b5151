"""访问招采系统 through the test client: the unavailable page without configuration, the hand-off
page with its signed token, the audit, and who is refused (a unit the system does not know as a
招采企业, an operator without the grant); the grant's box only for a certified 招采企业."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.pagecheck import check_page
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import BindingFactory, UnitFactory, grant, operator_login
from yibao.operators.models import Binding
from yibao.procurement.receiver import JtiStore
from yibao.procurement.tokens import token_verify
from yibao.units.models import RoleCertification

pytestmark = pytest.mark.django_db
KEY = "x8Jc2mQ9vT4wZr7LpN3bH6yK0dF5sA1gE2uV9oR4tY7iW"
TARGET = "https://zc.example.gov.cn/sso/yibao"


def enterprise(client: Client) -> Binding:
    unit = UnitFactory.create(roles=["insured", "procurement"])
    return operator_login(client, grant(BindingFactory.create(unit=unit), "procurement-system"))


@pytest.fixture
def configured(settings) -> None:
    settings.YIBAO_PROCUREMENT_URL = TARGET
    settings.YIBAO_PROCUREMENT_SIGNING_KEY = KEY


def test_the_tile_leads_to_the_page(client: Client) -> None:
    enterprise(client)
    response = client.get("/hall/operators/services/procurement-system/")
    assert response["Location"] == reverse("procurement:handoff")


def test_without_configuration_the_page_says_why(client: Client, settings) -> None:
    settings.YIBAO_PROCUREMENT_URL = ""
    enterprise(client)
    page = check_page(client.get(reverse("procurement:handoff")))
    assert page.find("h2", string="招采系统暂不可用") is not None
    assert "尚未配置招采系统的访问地址和对接密钥" in page.get_text()
    assert page.find("button", string="进入招采系统") is None
    response = client.post(reverse("procurement:go"))
    assert response.status_code == 503 and "尚未配置" in response.content.decode()
    assert not AuditEvent.objects.filter(action="procurement_handoff").exists()


def test_a_url_but_no_key_is_not_configured(client: Client, settings) -> None:
    settings.YIBAO_PROCUREMENT_URL = TARGET
    settings.YIBAO_PROCUREMENT_SIGNING_KEY = ""
    enterprise(client)
    assert "招采系统暂不可用" in client.get(reverse("procurement:handoff")).content.decode()


def test_the_handoff_carries_a_verifiable_token_by_post(client: Client, configured: None) -> None:
    binding = enterprise(client)
    page = check_page(client.get(reverse("procurement:handoff")))
    assert "https://zc.example.gov.cn" in page.get_text()
    response = client.post(reverse("procurement:go"))
    page = check_page(response)
    form = page.find("form", attrs={"data-module": "auto-submit"})
    assert form["action"] == TARGET and form["method"] == "post"
    assert form.find("button", string="继续进入招采系统") is not None
    token = str(form.find("input", attrs={"name": "token"})["value"])
    claims = token_verify(token, key=KEY.encode(), seen=JtiStore().seen)
    assert claims["uscc"] == binding.unit.uscc and claims["unit_name"] == binding.unit.name
    assert claims["sub"] == str(binding.operator_id)
    assert binding.operator.mobile not in token and binding.operator.cert_no not in str(claims)
    assert claims["exp"] - claims["iat"] == 120
    assert "form-action 'self' https://zc.example.gov.cn" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="procurement_handoff")
    assert event.unit_id == binding.unit_id and event.after["jti"] == claims["jti"]
    assert token not in str(event.after)


def test_each_handoff_has_a_new_token(client: Client, configured: None) -> None:
    enterprise(client)
    tokens = {
        check_page(client.post(reverse("procurement:go"))).find("input", attrs={"name": "token"})["value"]
        for _ in range(2)
    }
    assert len(tokens) == 2


def test_go_takes_only_post(client: Client, configured: None) -> None:
    enterprise(client)
    assert client.get(reverse("procurement:go")).status_code == 405


@pytest.mark.parametrize("status", [None, RoleCertification.Status.PENDING, RoleCertification.Status.FAILED])
def test_a_unit_not_known_as_a_procurement_enterprise_is_refused(
    client: Client, configured: None, status: str | None
) -> None:
    unit = UnitFactory.create(roles=["insured"])
    if status is not None:
        RoleCertification.objects.create(unit=unit, role="procurement", status=status)
    operator_login(client, grant(BindingFactory.create(unit=unit), "procurement-system"))
    page = check_page(client.get(reverse("procurement:handoff")), status=403)
    assert "招采企业" in page.get_text()
    assert client.post(reverse("procurement:go")).status_code == 403
    assert not AuditEvent.objects.filter(action="procurement_handoff").exists()


def test_an_operator_without_the_grant_is_refused(client: Client, configured: None) -> None:
    unit = UnitFactory.create(roles=["insured", "procurement"])
    operator_login(client, BindingFactory.create(unit=unit))
    check_page(client.get(reverse("procurement:handoff")), status=403)
    assert client.post(reverse("procurement:go")).status_code == 403
    assert not AuditEvent.objects.filter(action="procurement_handoff").exists()


def test_the_grant_box_is_open_only_once_the_agency_certified_the_role(client: Client) -> None:
    unit = UnitFactory.create(roles=["insured"])
    certification = RoleCertification.objects.create(unit=unit, role="procurement")  # 待审核
    binding = BindingFactory.create(unit=unit)
    assert unit.account is not None
    client.force_login(unit.account)
    url = reverse("operators:grants", args=[binding.pk])
    box = check_page(client.get(url)).find("input", attrs={"value": "procurement-system"})
    assert box.has_attr("disabled")
    client.post(url, {"items": ["procurement-system"], "populations": ["in-service"]})
    assert not binding.grants.exists()
    certification.status = RoleCertification.Status.CERTIFIED
    certification.save()
    box = check_page(client.get(url)).find("input", attrs={"value": "procurement-system"})
    assert not box.has_attr("disabled")
    client.post(url, {"items": ["procurement-system"], "populations": ["in-service"]})
    assert list(binding.grants.values_list("item__code", flat=True)) == ["procurement-system"]


def test_the_home_tile_says_when_the_system_is_not_configured(client: Client, settings) -> None:
    settings.YIBAO_PROCUREMENT_URL = ""
    enterprise(client)
    tile = check_page(client.get("/hall/?tab=procurement")).select_one(".service-tile")
    assert tile is not None and "访问招采系统" in tile.get_text()
    assert "暂不可用：未配置招采系统" in tile.get_text()
    settings.YIBAO_PROCUREMENT_URL = TARGET
    settings.YIBAO_PROCUREMENT_SIGNING_KEY = KEY
    tile = check_page(client.get("/hall/?tab=procurement")).select_one(".service-tile")
    assert tile is not None and "暂不可用" not in tile.get_text()
