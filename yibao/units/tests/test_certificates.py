"""数字证书 of the unit admin: the services' rules and audit events, and the page (list, 绑定新证书
through a driver's signature, 解除绑定 with its confirmation)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.pagecheck import check_page
from yibao.core.errors import ApplicationError
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import UnitFactory
from yibao.pki.issuing import hierarchy_issue, unit_certificate_issue
from yibao.pki.tests.fixtures import CaWorld, ca_world
from yibao.pki.tests.signing import driver_post, error_texts
from yibao.pki.verification import CertificateIdentity, certificate_identity
from yibao.units.error_codes import UnitErrorCode
from yibao.units.models import Unit, UnitCertificate
from yibao.units.selectors import unit_certificate_bound, unit_certificates_bound
from yibao.units.services import unit_certificate_bind, unit_certificate_unbind

URL = "/hall/unit/certificates/"


@pytest.fixture
def world(tmp_path: Path, settings: Any) -> CaWorld:
    settings.YIBAO_PROFILE = "beijing"
    return ca_world(tmp_path, settings)


@pytest.fixture
def unit(db: None) -> Unit:
    made: Unit = UnitFactory.create()
    return made


@pytest.fixture
def admin(client: Client, unit: Unit) -> Client:
    assert unit.account is not None
    client.force_login(unit.account)
    return client


def identity_of(world: CaWorld, unit: Unit, **kwargs: Any) -> CertificateIdentity:
    return certificate_identity(world.unit(unit.name, unit.uscc, **kwargs).certificate)


# --- services -----------------------------------------------------------------------------


def test_bind_and_unbind_keep_history_and_audit(world: CaWorld, unit: Unit) -> None:
    identity = identity_of(world, unit)
    bound = unit_certificate_bind(unit=unit, identity=identity, actor=unit.account)
    assert unit_certificate_bound(unit, identity.fingerprint)
    event = AuditEvent.objects.get(action="ca_certificate_bound")
    assert event.after["fingerprint"] == identity.fingerprint and event.actor == unit.account
    unit_certificate_unbind(unit=unit, certificate_id=bound.pk, actor=unit.account)
    assert not unit_certificate_bound(unit, identity.fingerprint)
    assert AuditEvent.objects.get(action="ca_certificate_unbound").before["serial"] == identity.serial
    # bound again after unbinding: a new row, the old one stays as history
    unit_certificate_bind(unit=unit, identity=identity, actor=unit.account)
    rows = list(UnitCertificate.objects.filter(unit=unit).order_by("pk").values_list("unbound_at", flat=True))
    assert rows[0] is not None and rows[1] is None


def test_a_certificate_of_another_uscc_is_refused(world: CaWorld, unit: Unit) -> None:
    other: Unit = UnitFactory.create()
    with pytest.raises(ApplicationError) as caught:
        unit_certificate_bind(unit=unit, identity=identity_of(world, other), actor=unit.account)
    assert caught.value.code is UnitErrorCode.CERTIFICATE_OTHER_UNIT
    assert caught.value.message == "该证书的统一社会信用代码与本单位不一致"
    assert not UnitCertificate.objects.exists()


def test_a_bound_certificate_is_not_bound_twice(world: CaWorld, unit: Unit) -> None:
    identity = identity_of(world, unit)
    unit_certificate_bind(unit=unit, identity=identity, actor=unit.account)
    with pytest.raises(ApplicationError) as caught:
        unit_certificate_bind(unit=unit, identity=identity, actor=unit.account)
    assert caught.value.code is UnitErrorCode.CERTIFICATE_BOUND
    assert UnitCertificate.objects.count() == 1


def test_an_unbound_certificate_is_not_unbound_again(world: CaWorld, unit: Unit) -> None:
    bound = unit_certificate_bind(unit=unit, identity=identity_of(world, unit), actor=unit.account)
    unit_certificate_unbind(unit=unit, certificate_id=bound.pk, actor=unit.account)
    with pytest.raises(ApplicationError) as caught:
        unit_certificate_unbind(unit=unit, certificate_id=bound.pk, actor=unit.account)
    assert caught.value.code is UnitErrorCode.CERTIFICATE_UNBOUND


def test_another_units_certificate_cannot_be_unbound(world: CaWorld, unit: Unit) -> None:
    other: Unit = UnitFactory.create()
    bound = unit_certificate_bind(unit=other, identity=identity_of(world, other), actor=other.account)
    with pytest.raises(ApplicationError):
        unit_certificate_unbind(unit=unit, certificate_id=bound.pk, actor=unit.account)
    assert unit_certificates_bound(other) == [bound]


# --- the page -----------------------------------------------------------------------------


def test_the_page_lists_the_bound_certificates(admin: Client, world: CaWorld, unit: Unit) -> None:
    soup = check_page(admin.get(URL))
    assert "本单位尚未绑定数字证书" in soup.get_text()
    identity = identity_of(world, unit)
    unit_certificate_bind(unit=unit, identity=identity, actor=unit.account)
    response = admin.get(URL)
    assert "connect-src" in response["Content-Security-Policy"]
    soup = check_page(response)
    headers = [th.get_text() for th in soup.select("thead th")]
    assert headers == ["证书主题", "颁发者", "序列号", "有效期", "绑定时间", "操作"]
    cells = [td.get_text(" ", strip=True) for td in soup.select("tbody td")]
    assert cells[0] == identity.subject and cells[2] == identity.serial
    assert timezone.localtime(identity.not_after).date().isoformat() in cells[3]
    assert soup.find("a", string="解除绑定") is not None
    assert soup.find("a", string="数字证书") is not None  # in the unit admin's menu
    assert soup.find("button", string="绑定") is not None


def test_binding_a_new_certificate_through_the_driver(admin: Client, world: CaWorld, unit: Unit) -> None:
    issued = world.unit(unit.name, unit.uscc)
    response = driver_post(admin, URL, issued, world)
    assert response.status_code == 302
    assert unit_certificate_bound(unit, certificate_identity(issued.certificate).fingerprint)
    assert "绑定成功" in admin.get(URL).content.decode()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("other-uscc", "该证书的统一社会信用代码与本单位不一致"),
        ("bound", "该数字证书已绑定，无需重复绑定"),
        ("expired", "数字证书已过期"),
        ("foreign", "不是本平台信任的发证机构签发的"),
        ("signature", "证书签名验证失败"),
    ],
)
def test_binding_refusals(admin: Client, world: CaWorld, unit: Unit, case: str, message: str) -> None:
    issued = world.unit(unit.name, unit.uscc)
    kwargs: dict[str, Any] = {}
    if case == "other-uscc":
        other: Unit = UnitFactory.create()
        issued = world.unit(other.name, other.uscc)
    elif case == "bound":
        unit_certificate_bind(
            unit=unit, identity=certificate_identity(issued.certificate), actor=unit.account
        )
    elif case == "expired":
        issued = world.unit(unit.name, unit.uscc, not_before=world.now - dt.timedelta(days=40), days=30)
    elif case == "foreign":
        issued = unit_certificate_issue(
            hierarchy_issue(now=world.now), name=unit.name, uscc=unit.uscc, now=world.now
        )
    elif case == "signature":
        kwargs["signed"] = "another-challenge"
    before = UnitCertificate.objects.count()
    response = driver_post(admin, URL, issued, world, **kwargs)
    assert response.status_code == 200
    assert any(message in text for text in error_texts(response)), error_texts(response)
    assert UnitCertificate.objects.count() == before
    assert AuditEvent.objects.filter(action="ca_certificate_bind_refused", unit=unit).exists()


def test_the_login_challenge_does_not_bind(admin: Client, world: CaWorld, unit: Unit) -> None:
    # a signature over this session's login challenge is no answer to the bind page
    from yibao.pki.tests.signing import page_challenge

    challenge = page_challenge(Client(), "/hall/login/ca/")  # another session's
    response = driver_post(admin, URL, world.unit(unit.name, unit.uscc), world, challenge=challenge)
    assert any("证书绑定请求已失效" in text for text in error_texts(response))


def test_unbinding_asks_first(admin: Client, world: CaWorld, unit: Unit) -> None:
    bound = unit_certificate_bind(unit=unit, identity=identity_of(world, unit), actor=unit.account)
    url = f"{URL}{bound.pk}/unbind/"
    soup = check_page(admin.get(url))
    assert "您确定要解除绑定该数字证书吗？" in soup.get_text()
    assert bound.serial in soup.get_text()
    assert unit_certificates_bound(unit) == [bound]  # showing the question changes nothing
    response = admin.post(url, {"confirm": "1"})
    assert response["Location"] == URL
    assert unit_certificates_bound(unit) == []
    assert "解除绑定成功" in admin.get(URL).content.decode()
    assert admin.get(url).status_code == 404  # no longer bound: nothing to unbind


def test_another_units_certificate_is_not_found(admin: Client, world: CaWorld, unit: Unit) -> None:
    other: Unit = UnitFactory.create()
    bound = unit_certificate_bind(unit=other, identity=identity_of(world, other), actor=other.account)
    url = f"{URL}{bound.pk}/unbind/"
    assert admin.get(url).status_code == 404
    assert admin.post(url, {"confirm": "1"}).status_code == 404
    assert unit_certificates_bound(other) == [bound]
