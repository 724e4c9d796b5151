"""The verification core: each refusal with its code and message, and what a good certificate
yields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any as SettingsWrapper

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from yibao.core.errors import ApplicationError
from yibao.pki.error_codes import CaErrorCode
from yibao.pki.issuing import Issued, certificate_issue, hierarchy_issue, key_new, pem, unit_subject
from yibao.pki.tests.fixtures import CaWorld, ca_world
from yibao.pki.verification import CertificateIdentity, certificate_verify, uscc_from_subject

USCC = "91110108MA01W8XK2X"
NAME = "北京演示科技有限公司"
MESSAGE = b"yibao-ca-login:challenge"


@pytest.fixture
def world(tmp_path: Path, settings: SettingsWrapper) -> CaWorld:
    return ca_world(tmp_path, settings)


def sign(issued: Issued, message: bytes = MESSAGE) -> bytes:
    key = issued.key
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return key.sign(message, ec.ECDSA(hashes.SHA256()))


def verify(
    world: CaWorld, issued: Issued, *, message: bytes = MESSAGE, signature: bytes | None = None
) -> CertificateIdentity:
    return certificate_verify(
        certificate=pem(issued.certificate),
        intermediates=[pem(world.hierarchy.intermediate.certificate)],
        message=message,
        signature=signature if signature is not None else sign(issued, message),
    )


def refused(code: CaErrorCode, call: Callable[[], object]) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        call()
    assert caught.value.code is code
    assert caught.value.message
    return caught.value


@pytest.mark.parametrize("kind", ["ec", "rsa"])
def test_a_good_certificate_yields_the_unit(world: CaWorld, kind: str) -> None:
    issued = world.unit(NAME, USCC, key_kind=kind)
    identity = verify(world, issued)
    assert (identity.unit_name, identity.uscc) == (NAME, USCC)
    assert identity.serial == format(issued.certificate.serial_number, "X")
    assert "医保网厅演示单位证书CA" in identity.issuer


def test_a_signature_over_another_message_is_refused(world: CaWorld) -> None:
    issued = world.unit(NAME, USCC)
    other = sign(issued, b"yibao-ca-login:another")
    refused(CaErrorCode.SIGNATURE, lambda: verify(world, issued, signature=other))


def test_a_signature_by_another_key_is_refused(world: CaWorld) -> None:
    issued = world.unit(NAME, USCC)
    stranger = world.unit(NAME, USCC)
    refused(CaErrorCode.SIGNATURE, lambda: verify(world, issued, signature=sign(stranger)))


def test_an_expired_certificate_is_refused(world: CaWorld) -> None:
    issued = world.unit(NAME, USCC, not_before=world.now - dt.timedelta(days=400), days=365)
    error = refused(CaErrorCode.EXPIRED, lambda: verify(world, issued))
    assert "过期" in error.message


def test_a_certificate_not_yet_valid_is_refused(world: CaWorld) -> None:
    issued = world.unit(NAME, USCC, not_before=world.now + dt.timedelta(days=2))
    error = refused(CaErrorCode.NOT_YET_VALID, lambda: verify(world, issued))
    assert "尚未生效" in error.message


def test_a_revoked_certificate_is_refused(world: CaWorld) -> None:
    issued = world.unit(NAME, USCC)
    verify(world, issued)
    world.revoke(issued)
    error = refused(CaErrorCode.REVOKED, lambda: verify(world, issued))
    assert "吊销" in error.message
    # another certificate of the same CA still passes
    verify(world, world.unit(NAME, USCC))


def test_a_stale_crl_refuses_rather_than_trusting_old_news(world: CaWorld) -> None:
    issued = world.unit(NAME, USCC)
    world.revoke(world.unit(NAME, USCC), next_update=world.now - dt.timedelta(minutes=1))
    refused(CaErrorCode.CRL_STALE, lambda: verify(world, issued))


def test_a_crl_signed_by_another_key_is_ignored(world: CaWorld) -> None:
    from cryptography.hazmat.primitives import serialization

    from yibao.pki.issuing import crl_issue

    issued = world.unit(NAME, USCC)
    impostor = Issued(world.hierarchy.intermediate.certificate, key_new("ec"))
    crl = crl_issue(impostor, [issued.certificate.serial_number], now=world.now, next_update=world.now)
    (world.folder / "crl" / "forged.pem").write_bytes(crl.public_bytes(serialization.Encoding.PEM))
    assert verify(world, issued).uscc == USCC


def test_a_certificate_of_a_foreign_root_is_refused(world: CaWorld) -> None:
    foreign = hierarchy_issue(now=world.now)
    issued = certificate_issue(
        subject=unit_subject(NAME, USCC),
        key=key_new("ec"),
        issuer=foreign.intermediate,
        not_before=world.now - dt.timedelta(days=1),
        not_after=world.now + dt.timedelta(days=30),
    )
    error = refused(
        CaErrorCode.UNTRUSTED,
        lambda: certificate_verify(
            certificate=pem(issued.certificate),
            intermediates=[pem(foreign.intermediate.certificate)],
            message=MESSAGE,
            signature=sign(issued),
        ),
    )
    assert "信任" in error.message


def test_a_self_signed_unit_certificate_is_refused(world: CaWorld) -> None:
    issued = certificate_issue(
        subject=unit_subject(NAME, USCC),
        key=key_new("ec"),
        issuer=None,
        not_before=world.now - dt.timedelta(days=1),
        not_after=world.now + dt.timedelta(days=30),
    )
    refused(CaErrorCode.UNTRUSTED, lambda: verify(world, issued))


def test_without_configured_roots_nothing_is_trusted(world: CaWorld, settings: SettingsWrapper) -> None:
    settings.YIBAO_CA_TRUSTED_ROOTS = str(world.folder / "missing")
    refused(CaErrorCode.UNTRUSTED, lambda: verify(world, world.unit(NAME, USCC)))


def test_a_certificate_without_digital_signature_usage_is_refused(world: CaWorld) -> None:
    issued = certificate_issue(
        subject=unit_subject(NAME, USCC),
        key=key_new("ec"),
        issuer=world.hierarchy.intermediate,
        not_before=world.now - dt.timedelta(days=1),
        not_after=world.now + dt.timedelta(days=30),
        digital_signature=False,
    )
    refused(CaErrorCode.KEY_USAGE, lambda: verify(world, issued))


def test_a_certificate_without_a_valid_uscc_is_refused(world: CaWorld) -> None:
    issued = world.unit(NAME, "91110108MA01W8XK2T")  # wrong check digit
    refused(CaErrorCode.NO_USCC, lambda: verify(world, issued))


def test_garbage_is_refused_as_malformed(world: CaWorld) -> None:
    refused(
        CaErrorCode.MALFORMED,
        lambda: certificate_verify(certificate="not a certificate", message=MESSAGE, signature=b"x"),
    )


def test_the_uscc_is_found_where_chinese_cas_put_it() -> None:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    def name(oid: x509.ObjectIdentifier, value: str) -> x509.Name:
        return x509.Name(
            [x509.NameAttribute(NameOID.ORGANIZATION_NAME, NAME), x509.NameAttribute(oid, value)]
        )

    assert uscc_from_subject(name(NameOID.SERIAL_NUMBER, USCC)) == USCC
    assert uscc_from_subject(name(NameOID.ORGANIZATION_IDENTIFIER, f"NTRCN-{USCC}")) == USCC
    assert uscc_from_subject(name(NameOID.ORGANIZATIONAL_UNIT_NAME, USCC.lower())) == USCC
    assert uscc_from_subject(name(NameOID.COMMON_NAME, f"{NAME}@{USCC}")) == USCC
    assert uscc_from_subject(name(NameOID.COMMON_NAME, NAME)) is None


def test_an_issuer_without_a_configured_crl_is_refused(world: CaWorld, settings: SettingsWrapper) -> None:
    issued = world.unit(NAME, USCC)
    (world.folder / "crl" / "intermediate.crl.pem").unlink()
    error = refused(CaErrorCode.CRL_MISSING, lambda: verify(world, issued))
    assert "未配置该发证机构的证书吊销列表" in error.message


def test_the_root_needs_its_crl_too(world: CaWorld) -> None:
    issued = world.unit(NAME, USCC)
    (world.folder / "crl" / "root.crl.pem").unlink()
    refused(CaErrorCode.CRL_MISSING, lambda: verify(world, issued))


def test_a_setting_lets_issuers_without_a_crl_through(world: CaWorld, settings: SettingsWrapper) -> None:
    settings.YIBAO_CA_CRL_OPTIONAL = True
    issued = world.unit(NAME, USCC)
    for crl in (world.folder / "crl").iterdir():
        crl.unlink()
    assert verify(world, issued).uscc == USCC
