"""单位 CA 登录 through the page: each refusal of the issue's "Bad input" says why, is audited and
logs nobody in; a good certificate of a registered unit logs its admin in."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client

from tests.pagecheck import check_page
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import UnitFactory
from yibao.pki.challenges import SESSION_KEY, signed_message
from yibao.pki.issuing import Issued, hierarchy_issue, pem, unit_certificate_issue
from yibao.pki.tests.fixtures import CaWorld, ca_world
from yibao.pki.verification import certificate_identity
from yibao.units.models import Unit
from yibao.units.services import unit_certificate_bind, unit_certificate_unbind

URL = "/hall/login/ca/"


@pytest.fixture
def world(tmp_path: Path, settings: Any) -> CaWorld:
    settings.YIBAO_PROFILE = "beijing"
    return ca_world(tmp_path, settings)


@pytest.fixture
def unit(db: None) -> Unit:
    made: Unit = UnitFactory.create()
    return made


def bound(unit: Unit, issued: Issued) -> Issued:
    """Bind the certificate to the unit (数字证书), as its admin would."""
    unit_certificate_bind(unit=unit, identity=certificate_identity(issued.certificate), actor=unit.account)
    return issued


def page_challenge(client: Client) -> str:
    response = client.get(URL)
    soup = check_page(response)
    field = soup.select_one('input[name="challenge"]')
    assert field is not None
    return str(field["value"])


def post(client: Client, issued: Issued, world: CaWorld, challenge: str, *, signed: str | None = None) -> Any:
    assert isinstance(issued.key, ec.EllipticCurvePrivateKey)
    signature = issued.key.sign(signed_message(signed or challenge), ec.ECDSA(hashes.SHA256()))
    return client.post(
        URL,
        {
            "challenge": challenge,
            "certificate": pem(issued.certificate),
            "chain": pem(world.hierarchy.intermediate.certificate),
            "signature": base64.b64encode(signature).decode(),
            "selected": "dw1",
        },
    )


def errors(response: Any) -> list[str]:
    soup = check_page(response)
    return [li.get_text() for li in soup.select(".error-summary li")]


def refused(response: Any, client: Client, message: str, code: str) -> None:
    assert response.status_code == 200
    assert any(message in text for text in errors(response)), errors(response)
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.filter(action="ca_login_refused").latest("pk")
    assert event.after["code"] == code
    # the page comes back with a fresh challenge and the chosen certificate
    assert client.session[SESSION_KEY]["value"] != ""
    assert 'name="selected" value="dw1"' in response.content.decode()


def test_a_bound_certificate_logs_its_units_admin_in(client: Client, world: CaWorld, unit: Unit) -> None:
    issued = bound(unit, world.unit(unit.name, unit.uscc))
    response = post(client, issued, world, page_challenge(client))
    assert response.status_code == 302
    assert response["Location"] == "/hall/unit/"
    assert int(client.session["_auth_user_id"]) == unit.account_id
    event = AuditEvent.objects.get(action="login", actor=unit.account)
    assert event.after["via"] == "ca"
    assert event.after["serial"] == format(issued.certificate.serial_number, "X")


def test_a_signature_over_another_challenge_is_refused(client: Client, world: CaWorld, unit: Unit) -> None:
    issued = world.unit(unit.name, unit.uscc)
    response = post(client, issued, world, page_challenge(client), signed="some-other-challenge")
    refused(response, client, "证书签名验证失败", "ca.signature")


def test_a_replayed_signature_is_refused(client: Client, world: CaWorld, unit: Unit) -> None:
    issued = bound(unit, world.unit(unit.name, unit.uscc))
    challenge = page_challenge(client)
    assert post(client, issued, world, challenge).status_code == 302
    client.post("/hall/logout/")
    # the same signed post again, in a new session and in one that fetched a new challenge
    refused(post(client, issued, world, challenge), client, "登录请求已失效", "ca.challenge_missing")
    page_challenge(client)
    refused(post(client, issued, world, challenge), client, "登录请求已失效", "ca.challenge_stale")


def test_an_old_challenge_is_refused(client: Client, world: CaWorld, unit: Unit, settings: Any) -> None:
    settings.YIBAO_CA_CHALLENGE_SECONDS = 0
    issued = world.unit(unit.name, unit.uscc)
    challenge = page_challenge(client)
    session = client.session
    session[SESSION_KEY]["issued"] -= 5
    session.save()
    refused(post(client, issued, world, challenge), client, "登录请求已超时", "ca.challenge_expired")


def test_an_expired_certificate_is_refused(client: Client, world: CaWorld, unit: Unit) -> None:
    issued = world.unit(unit.name, unit.uscc, not_before=world.now - dt.timedelta(days=40), days=30)
    refused(post(client, issued, world, page_challenge(client)), client, "数字证书已过期", "ca.expired")


def test_a_certificate_not_yet_valid_is_refused(client: Client, world: CaWorld, unit: Unit) -> None:
    issued = world.unit(unit.name, unit.uscc, not_before=world.now + dt.timedelta(days=1))
    refused(
        post(client, issued, world, page_challenge(client)), client, "数字证书尚未生效", "ca.not_yet_valid"
    )


def test_a_revoked_certificate_is_refused(client: Client, world: CaWorld, unit: Unit) -> None:
    issued = world.unit(unit.name, unit.uscc)
    world.revoke(issued)
    refused(post(client, issued, world, page_challenge(client)), client, "已被吊销", "ca.revoked")


def test_a_certificate_of_a_foreign_root_is_refused(client: Client, world: CaWorld, unit: Unit) -> None:
    foreign = hierarchy_issue(now=world.now)
    issued = unit_certificate_issue(foreign, name=unit.name, uscc=unit.uscc, now=world.now)
    foreign_world = CaWorld(world.folder, foreign, world.now)
    refused(
        post(client, issued, foreign_world, page_challenge(client)),
        client,
        "不是本平台信任的发证机构签发的",
        "ca.untrusted",
    )


def test_a_certificate_of_an_unregistered_unit_is_refused(client: Client, world: CaWorld, unit: Unit) -> None:
    other: Unit = UnitFactory.build()  # a USCC nobody registered
    issued = world.unit(other.name, other.uscc)
    refused(
        post(client, issued, world, page_challenge(client)),
        client,
        "无法登录，请先注册该单位账号",
        "ca.not_registered",
    )


def test_a_certificate_naming_a_unit_without_its_account_is_refused(
    client: Client, world: CaWorld, unit: Unit
) -> None:
    branch: Unit = UnitFactory.create(account=None)  # known to the agency, no unit account registered
    issued = world.unit(branch.name, branch.uscc)
    refused(
        post(client, issued, world, page_challenge(client)),
        client,
        "无法登录，请先注册该单位账号",
        "ca.not_registered",
    )


def test_ca_login_is_offered_only_where_the_profile_says(client: Client, settings: Any, db: None) -> None:
    settings.YIBAO_PROFILE = "national"
    assert client.get(URL).status_code == 404
    assert "CA登录" not in client.get("/hall/login/").content.decode()
    for profile in ("beijing", "henan"):
        settings.YIBAO_PROFILE = profile
        assert "CA登录" in client.get("/hall/login/").content.decode()
        response = client.get(URL)
        assert response.status_code == 200
        assert "http://127.0.0.1:18610" in response["Content-Security-Policy"]


def test_the_driver_page_explains_how_to_run_the_development_driver(client: Client, db: None) -> None:
    soup = check_page(client.get("/hall/login/ca/driver/"))
    assert "manage.py ca_agent" in soup.get_text()


def test_an_unbound_certificate_of_a_registered_unit_is_refused(
    client: Client, world: CaWorld, unit: Unit
) -> None:
    # a unit registered before certificates were bound: its first valid certificate is not bound
    issued = world.unit(unit.name, unit.uscc)
    response = post(client, issued, world, page_challenge(client))
    refused(response, client, "该数字证书尚未绑定本单位", "ca.not_bound")
    assert "在【数字证书】中绑定该证书" in response.content.decode()
    assert not unit.certificates.exists()


def test_an_unbound_certificate_no_longer_logs_in(client: Client, world: CaWorld, unit: Unit) -> None:
    issued = bound(unit, world.unit(unit.name, unit.uscc))
    unit_certificate_unbind(unit=unit, certificate_id=unit.certificates.get().pk, actor=unit.account)
    refused(post(client, issued, world, page_challenge(client)), client, "尚未绑定本单位", "ca.not_bound")


def test_another_certificate_of_the_unit_is_not_the_bound_one(
    client: Client, world: CaWorld, unit: Unit
) -> None:
    bound(unit, world.unit(unit.name, unit.uscc))
    renewed = world.unit(unit.name, unit.uscc)  # same unit, same CA, another key: bound separately
    refused(post(client, renewed, world, page_challenge(client)), client, "尚未绑定本单位", "ca.not_bound")


def test_the_unregistered_refusal_leads_to_certificate_registration(
    client: Client, world: CaWorld, unit: Unit
) -> None:
    other: Unit = UnitFactory.build()
    response = post(client, world.unit(other.name, other.uscc), world, page_challenge(client))
    link = check_page(response).find("a", string="数字证书注册")
    assert link is not None and link["href"] == "/hall/register/ca/"


def test_a_locked_unit_account_is_refused_by_certificate_too(
    client: Client, world: CaWorld, unit: Unit
) -> None:
    from yibao.accounts import lockout
    from yibao.accounts.authentication import user_lock_key

    assert unit.account is not None
    issued = bound(unit, world.unit(unit.name, unit.uscc))
    for _ in range(5):  # five wrong passwords lock the unit admin's account
        lockout.login_failure_record(account_key=user_lock_key(unit.account), ip_address=None)
    response = post(client, issued, world, page_challenge(client))
    assert "账户已被锁定" in check_page(response).get_text()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="ca_login_refused").latest("pk").after["code"] == "login.locked"


def test_a_certificate_failing_five_times_is_locked(client: Client, world: CaWorld, unit: Unit) -> None:
    issued = world.unit(unit.name, unit.uscc)
    for _ in range(5):
        refused(post(client, issued, world, page_challenge(client)), client, "尚未绑定", "ca.not_bound")
    bound(unit, issued)  # even bound now, the certificate waits out its lock
    response = post(client, issued, world, page_challenge(client))
    assert "该数字证书登录失败次数过多，已被锁定，请10分钟后再试" in check_page(response).get_text()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="ca_login_refused").latest("pk").after["code"] == "ca.locked"


def test_bad_signatures_do_not_lock_the_holders_certificate(
    client: Client, world: CaWorld, unit: Unit
) -> None:
    # anyone may post a unit's public certificate: without its key they cannot lock it
    issued = bound(unit, world.unit(unit.name, unit.uscc))
    for _ in range(6):
        refused(
            post(client, issued, world, page_challenge(client), signed="forged"),
            client,
            "证书签名验证失败",
            "ca.signature",
        )
    assert post(client, issued, world, page_challenge(client)).status_code == 302


def test_a_successful_login_clears_the_certificates_failures(
    client: Client, world: CaWorld, unit: Unit
) -> None:
    from yibao.accounts import lockout
    from yibao.entry.ca_login import certificate_lock_key

    issued = world.unit(unit.name, unit.uscc)
    for _ in range(3):
        post(client, issued, world, page_challenge(client))
    bound(unit, issued)
    assert post(client, issued, world, page_challenge(client)).status_code == 302
    key = certificate_lock_key(certificate_identity(issued.certificate).fingerprint)
    assert lockout.attempts_left(key) == 5
