"""数字证书注册: the driver's signature over the page's challenge starts the wizard with the
certificate's 单位名称 and 统一社会信用代码 locked; a registered USCC is refused with a way to log in;
finishing the wizard binds the certificate, so that the unit logs in by CA at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.pagecheck import check_page
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import UnitFactory
from yibao.entry.tests.test_registration import OPERATOR_STEP, UNIT_STEP, USCC, send_code
from yibao.entry.verified_identity import VerifiedSource, verified_unit
from yibao.pki.tests.fixtures import CaWorld, ca_world
from yibao.pki.tests.signing import driver_post, error_texts
from yibao.pki.verification import certificate_identity
from yibao.units.models import Unit
from yibao.units.selectors import unit_certificate_bound

URL = "/hall/register/ca/"
NAME = "昆明云岭科技有限公司"


@pytest.fixture
def world(tmp_path: Path, settings: Any, db: None) -> CaWorld:
    settings.YIBAO_PROFILE = "beijing"
    return ca_world(tmp_path, settings)


def test_the_page_asks_for_the_certificate(client: Client, world: CaWorld) -> None:
    response = client.get(URL)
    assert "connect-src" in response["Content-Security-Policy"]
    soup = check_page(response)
    for label in ("选择 CA 证书", "单位名称", "统一社会信用代码", "证书密码"):
        assert soup.find("label", string=label) is not None, label
    assert soup.find("button", string="验证") is not None
    assert soup.find("a", string="下载 CA 证书驱动") is not None


def test_a_verified_certificate_starts_the_wizard_locked_and_finishing_binds_it(
    client: Client, world: CaWorld, django_capture_on_commit_callbacks: Any
) -> None:
    issued = world.unit(NAME, USCC)
    response = driver_post(client, URL, issued, world)
    assert response["Location"] == "/hall/register/", error_texts(response)
    kept = verified_unit(client.session)
    assert kept is not None and kept.source is VerifiedSource.CA and (kept.name, kept.uscc) == (NAME, USCC)
    soup = check_page(client.get("/hall/register/"))
    assert soup.find("input", attrs={"name": "uscc"}).has_attr("disabled")
    assert "已由数字证书验证，不可修改" in soup.get_text()

    assert client.post("/hall/register/", UNIT_STEP).status_code == 302
    code = send_code(client, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    response = client.post("/hall/register/operator/", {**OPERATOR_STEP, "sms_code": code})
    assert response["Location"] == "/hall/register/done/"
    unit = Unit.objects.get(uscc=USCC)
    fingerprint = certificate_identity(issued.certificate).fingerprint
    assert unit_certificate_bound(unit, fingerprint)
    bound = AuditEvent.objects.get(action="ca_certificate_bound", unit=unit)
    assert bound.actor == unit.account
    verified = AuditEvent.objects.get(action="unit_registration_verified", unit=unit)
    assert verified.after["fingerprint"] == fingerprint

    # and the certificate logs the new unit's admin in
    client.post("/hall/logout/")
    response = driver_post(client, "/hall/login/ca/", issued, world)
    assert response["Location"] == "/hall/unit/"


def test_a_registered_uscc_is_refused_with_a_way_to_log_in(client: Client, world: CaWorld) -> None:
    unit: Unit = UnitFactory.create()
    response = driver_post(client, URL, world.unit(unit.name, unit.uscc), world)
    assert response.status_code == 200
    assert any("该统一社会信用代码已注册，请直接登录" in text for text in error_texts(response))
    soup = check_page(response)
    assert soup.find("a", string="CA登录")["href"] == "/hall/login/ca/"
    assert verified_unit(client.session) is None
    assert (
        AuditEvent.objects.get(action="ca_registration_refused").after["code"]
        == "registration.uscc_registered"
    )


@pytest.mark.parametrize(
    ("case", "message", "code"),
    [
        ("signature", "证书签名验证失败", "ca.signature"),
        ("revoked", "已被吊销", "ca.revoked"),
        ("replayed", "证书验证请求已失效", "ca.challenge_missing"),
    ],
)
def test_refusals_start_nothing(client: Client, world: CaWorld, case: str, message: str, code: str) -> None:
    issued = world.unit(NAME, USCC)
    if case == "signature":
        response = driver_post(client, URL, issued, world, signed="another")
    elif case == "revoked":
        world.revoke(issued)
        response = driver_post(client, URL, issued, world)
    else:
        from yibao.pki.tests.signing import page_challenge

        challenge = page_challenge(client, URL)
        assert driver_post(client, URL, issued, world, challenge=challenge).status_code == 302
        client.session.flush()
        response = driver_post(Client(), URL, issued, world, challenge=challenge)
    assert response.status_code == 200
    assert any(message in text for text in error_texts(response)), error_texts(response)
    assert AuditEvent.objects.filter(action="ca_registration_refused").latest("pk").after["code"] == code


def test_the_registration_page_leads_to_certificate_registration(client: Client, world: CaWorld) -> None:
    soup = check_page(client.get("/hall/register/"), echoed=())
    assert soup.find("a", string="数字证书注册")["href"] == URL


def test_certificate_registration_only_where_the_profile_offers_ca(
    client: Client, settings: Any, db: None
) -> None:
    for profile in ("national", "yunnan"):
        settings.YIBAO_PROFILE = profile
        assert client.get(URL).status_code == 404
        assert "数字证书注册" not in client.get("/hall/register/").content.decode()
