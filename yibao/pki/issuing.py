"""Issuing certificates for development and tests: a demo root, an intermediate, unit
certificates as software certificates (PKCS #12 with a 证书密码) and CRLs.

Nothing here runs in the hall: real certificates come from a CA; `manage.py ca_issue_demo` and
the tests use these to have certificates to verify.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def key_new(kind: str = "ec") -> PrivateKey:
    """A new key: "ec" (P-256) or "rsa" (2048 bits)."""
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def unit_subject(name: str, uscc: str) -> x509.Name:
    """A unit's subject the way Chinese organisation certificates write it: the USCC in
    serialNumber, the unit's name in O and CN."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, uscc),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )


def ca_subject(name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "医保网厅演示CA"),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )


@dataclass
class Issued:
    certificate: x509.Certificate
    key: PrivateKey


def certificate_issue(
    *,
    subject: x509.Name,
    key: PrivateKey,
    issuer: Issued | None,
    not_before: dt.datetime,
    not_after: dt.datetime,
    ca: bool = False,
    digital_signature: bool = True,
) -> Issued:
    """A certificate for `key`, signed by `issuer` (self-signed when None)."""
    signer_key = issuer.key if issuer else key
    issuer_name = issuer.certificate.subject if issuer else subject
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=digital_signature or ca,
                content_commitment=not ca and digital_signature,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    return Issued(builder.sign(signer_key, hashes.SHA256()), key)


def crl_issue(
    issuer: Issued, revoked_serials: list[int], *, now: dt.datetime, next_update: dt.datetime
) -> x509.CertificateRevocationList:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(now)
        .next_update(next_update)
    )
    for serial in revoked_serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now).build()
        )
    return builder.sign(issuer.key, hashes.SHA256())


def pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def software_certificate(issued: Issued, chain: list[x509.Certificate], *, name: str, password: str) -> bytes:
    """The unit's software certificate: key, certificate and chain in PKCS #12 under `password`."""
    return pkcs12.serialize_key_and_certificates(
        name.encode("utf-8"),
        issued.key,
        issued.certificate,
        chain,
        serialization.BestAvailableEncryption(password.encode("utf-8")),
    )


@dataclass
class DemoHierarchy:
    root: Issued
    intermediate: Issued


def hierarchy_issue(*, now: dt.datetime, years: int = 10) -> DemoHierarchy:
    """A demo root and an intermediate under it."""
    later = now + dt.timedelta(days=365 * years)
    root = certificate_issue(
        subject=ca_subject("医保网厅演示根CA"),
        key=key_new("ec"),
        issuer=None,
        not_before=now - dt.timedelta(days=1),
        not_after=later,
        ca=True,
    )
    intermediate = certificate_issue(
        subject=ca_subject("医保网厅演示单位证书CA"),
        key=key_new("ec"),
        issuer=root,
        not_before=now - dt.timedelta(days=1),
        not_after=later,
        ca=True,
    )
    return DemoHierarchy(root, intermediate)


def unit_certificate_issue(
    hierarchy: DemoHierarchy,
    *,
    name: str,
    uscc: str,
    now: dt.datetime,
    key_kind: str = "ec",
    days: int = 730,
    not_before: dt.datetime | None = None,
) -> Issued:
    start = not_before or now - dt.timedelta(days=1)
    return certificate_issue(
        subject=unit_subject(name, uscc),
        key=key_new(key_kind),
        issuer=hierarchy.intermediate,
        not_before=start,
        not_after=start + dt.timedelta(days=days),
    )


def agent_store_write(
    folder: Path, slug: str, issued: Issued, hierarchy: DemoHierarchy, *, password: str
) -> Path:
    """Put a unit's software certificate where the development driver finds it: `<slug>.p12`
    (key, certificate, chain, under the 证书密码) and `<slug>.pem` (the certificate alone, what a
    USB key shows without its PIN, so that the driver can list it)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{slug}.p12"
    target.write_bytes(
        software_certificate(issued, [hierarchy.intermediate.certificate], name=slug, password=password)
    )
    target.chmod(0o600)
    (folder / f"{slug}.pem").write_text(pem(issued.certificate), encoding="ascii")
    return target


def key_pem(key: PrivateKey, password: str) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password.encode("utf-8")),
    )
