"""Verification of a unit's CA certificate and of its certificate driver's signature.

`certificate_verify` answers one question: did the holder of a certificate that a trusted CA
issued to a unit, valid now, usable for digital signatures and not revoked, sign this message?
It returns the identity the certificate states (单位名称, 统一社会信用代码, serial, issuer,
validity) or raises `ApplicationError` with a `CaErrorCode` and a Chinese message. Who may log in
with that identity is the caller's question (`entry` matches the USCC to a registered unit).

The checks, in order:

- the certificate (PEM or DER) and any intermediates the driver sent parse as X.509;
- the signature over the message verifies with the certificate's public key: RSA (PKCS #1 v1.5
  with SHA-256) or ECDSA (P-256/P-384 with SHA-256);
- the certificate's validity period holds at `now` (said apart: 尚未生效 / 已过期);
- the key usage extension is present and allows digitalSignature;
- a chain leads from it through the intermediates to one of the trusted roots the hall's
  operator configures (`YIBAO_CA_TRUSTED_ROOTS`: a PEM file or a folder of them), built by
  `cryptography.x509.verification` with the Web PKI rules for the CA certificates (basic
  constraints, keyCertSign, path length, validity of each) and no extended key usage demanded of
  the unit's certificate (Chinese unit certificates seldom carry clientAuth);
- no certificate of that chain below the root is listed in a CRL of its issuer among the CRL
  files the operator configures (`YIBAO_CA_CRLS`: a file or a folder, PEM or DER); a CRL counts
  only if its issuer's key signed it, and a CRL past its nextUpdate refuses the login rather
  than trust stale news. Every issuer of the chain (the root for the intermediates, each
  intermediate for what it issued) must have a configured CRL: a certificate whose revocation
  cannot be known is refused (CRL_MISSING), since "no news" is what an operator who forgot to
  install a CA's CRL would otherwise silently grant. `YIBAO_CA_CRL_OPTIONAL=1` lets issuers
  without a CRL through (for a CA that publishes none; audit that choice).
- the subject names a unit: 单位名称 from O (else CN) and a valid 统一社会信用代码.

Where the USCC sits: GB/T 20518 profiles leave it to each CA. The places in use are the standard
subject attributes, so they are read in this order, taking the first value that holds a valid
18-character code (check digit included): serialNumber (2.5.4.5, the attribute most Chinese
organisation certificates use for the registration number), organizationIdentifier (2.5.4.97,
also as "NTRCN-<code>"), OU, CN. Vendor-private extensions (each CA's own OIDs under
1.2.156.*) are not read: a hall that needs one adds it to `USCC_ATTRIBUTES`' search after
confirming the OID with its CA.

SM2 (GB/T 32918) with SM3, which Chinese CAs issue alongside RSA: `cryptography` (OpenSSL 3
with the Rust bindings) parses such certificates but verifies neither SM2 signatures nor chains
of them. Supporting SM2 needs (1) an SM2/SM3 implementation, e.g. a vetted binding of GmSSL or
the `gmssl` package, to verify the driver's signature (SM2 with the default user ID
"1234567812345678" per GM/T 0009) and each certificate's signature up the chain; (2) a chain
builder of our own for SM2 certificates, since `x509.verification` refuses unknown algorithms —
the same checks as here (basic constraints, key usage, validity, issuer/subject names and key
identifiers); (3) CRL signatures verified with SM2 as well. The function's interface stays: a
certificate, intermediates, message and signature in, an identity or an error out.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import (
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)
from django.conf import settings

from yibao.core.errors import ApplicationError
from yibao.core.validators.uscc import validate_uscc
from yibao.pki.error_codes import CaErrorCode

MESSAGES = {
    CaErrorCode.MALFORMED: "无法识别证书驱动提交的证书或签名，请重新登录",
    CaErrorCode.SIGNATURE: "证书签名验证失败，请确认使用的是本单位的数字证书后重新登录",
    CaErrorCode.NOT_YET_VALID: "数字证书尚未生效，请在证书有效期内登录",
    CaErrorCode.EXPIRED: "数字证书已过期，请联系发证机构更新证书",
    CaErrorCode.KEY_USAGE: "该数字证书不能用于数字签名，请使用单位的签名证书",
    CaErrorCode.UNTRUSTED: "该数字证书不是本平台信任的发证机构签发的",
    CaErrorCode.REVOKED: "该数字证书已被吊销，请联系发证机构",
    CaErrorCode.CRL_STALE: "暂时无法确认数字证书的吊销状态（证书吊销列表已过期），请稍后再试或联系经办机构",
    CaErrorCode.CRL_MISSING: "暂时无法确认数字证书的吊销状态（平台未配置该发证机构的证书吊销列表），请联系经办机构",
    CaErrorCode.NO_USCC: "数字证书中没有有效的单位名称或统一社会信用代码",
}

# Subject attributes searched for the 统一社会信用代码, in this order (see the module docstring).
USCC_ATTRIBUTES = (
    NameOID.SERIAL_NUMBER,
    NameOID.ORGANIZATION_IDENTIFIER,
    NameOID.ORGANIZATIONAL_UNIT_NAME,
    NameOID.COMMON_NAME,
)
_USCC_TOKEN = re.compile(r"(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])")


def _fail(code: CaErrorCode) -> ApplicationError:
    return ApplicationError(code, MESSAGES[code])


@dataclass(frozen=True)
class CertificateIdentity:
    """What a verified certificate says about its holder."""

    unit_name: str
    uscc: str
    serial: str  # hexadecimal, upper case
    subject: str
    issuer: str
    not_before: dt.datetime
    not_after: dt.datetime
    fingerprint: str  # SHA-256 of the DER, hexadecimal


def _pem_or_der_certificates(data: bytes) -> list[x509.Certificate]:
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def _files(setting: str) -> list[Path]:
    configured = getattr(settings, setting, None)
    if not configured:
        return []
    path = Path(configured)
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
    return [path] if path.is_file() else []


def trusted_roots() -> list[x509.Certificate]:
    """The roots of trust the operator configured (YIBAO_CA_TRUSTED_ROOTS)."""
    roots: list[x509.Certificate] = []
    for path in _files("YIBAO_CA_TRUSTED_ROOTS"):
        roots.extend(_pem_or_der_certificates(path.read_bytes()))
    return roots


def revocation_lists() -> list[x509.CertificateRevocationList]:
    """The CRLs the operator configured (YIBAO_CA_CRLS)."""
    crls = []
    for path in _files("YIBAO_CA_CRLS"):
        data = path.read_bytes()
        crls.append(x509.load_pem_x509_crl(data) if b"-----BEGIN" in data else x509.load_der_x509_crl(data))
    return crls


def certificate_load(data: str | bytes) -> x509.Certificate:
    """One certificate from PEM text or DER bytes; MALFORMED otherwise."""
    raw = data.encode("ascii", "replace") if isinstance(data, str) else data
    try:
        certificates = _pem_or_der_certificates(raw)
    except ValueError:
        raise _fail(CaErrorCode.MALFORMED) from None
    if len(certificates) != 1:
        raise _fail(CaErrorCode.MALFORMED)
    return certificates[0]


def _signature_check(certificate: x509.Certificate, message: bytes, signature: bytes) -> None:
    key = certificate.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
        else:
            raise _fail(CaErrorCode.MALFORMED)
    except InvalidSignature:
        raise _fail(CaErrorCode.SIGNATURE) from None
    except (UnsupportedAlgorithm, ValueError):
        raise _fail(CaErrorCode.MALFORMED) from None


def _key_usage_check(certificate: x509.Certificate) -> None:
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        raise _fail(CaErrorCode.KEY_USAGE) from None
    if not usage.digital_signature:
        raise _fail(CaErrorCode.KEY_USAGE)


def _chain_build(
    certificate: x509.Certificate, intermediates: list[x509.Certificate], now: dt.datetime
) -> list[x509.Certificate]:
    roots = trusted_roots()
    if not roots:
        raise _fail(CaErrorCode.UNTRUSTED)
    # The unit's certificate: only what is checked above (validity, key usage) and no demand of
    # an extended key usage or a subjectAltName; its CAs: the Web PKI rules.
    ee_policy = ExtensionPolicy.permit_all()
    verifier = (
        PolicyBuilder()
        .store(Store(roots))
        .time(now)
        .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=ee_policy)
        .build_client_verifier()
    )
    try:
        verified = verifier.verify(certificate, intermediates)
    except VerificationError:
        raise _fail(CaErrorCode.UNTRUSTED) from None
    return list(verified.chain)


def _revocation_check(chain: list[x509.Certificate], now: dt.datetime) -> None:
    crls = revocation_lists()
    optional = bool(getattr(settings, "YIBAO_CA_CRL_OPTIONAL", False))
    for subject, issuer in itertools.pairwise(chain):
        found = False
        for crl in crls:
            if crl.issuer != issuer.subject or not _crl_signed_by(crl, issuer):
                continue
            found = True
            next_update = crl.next_update_utc
            if next_update is not None and next_update < now:
                raise _fail(CaErrorCode.CRL_STALE)
            if crl.get_revoked_certificate_by_serial_number(subject.serial_number) is not None:
                raise _fail(CaErrorCode.REVOKED)
        if not found and not optional:
            raise _fail(CaErrorCode.CRL_MISSING)


def _crl_signed_by(crl: x509.CertificateRevocationList, issuer: x509.Certificate) -> bool:
    key = issuer.public_key()
    if not isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        return False
    return crl.is_signature_valid(key)


def _attribute_values(name: x509.Name, oid: x509.ObjectIdentifier) -> list[str]:
    return [str(attribute.value) for attribute in name.get_attributes_for_oid(oid)]


def uscc_from_subject(name: x509.Name) -> str | None:
    """The first valid 统一社会信用代码 in the subject attributes of USCC_ATTRIBUTES."""
    for oid in USCC_ATTRIBUTES:
        for value in _attribute_values(name, oid):
            for token in _USCC_TOKEN.findall(value.upper()):
                try:
                    return validate_uscc(token)
                except ApplicationError:
                    continue
    return None


def unit_name_from_subject(name: x509.Name) -> str:
    for oid in (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME):
        values = [v.strip() for v in _attribute_values(name, oid) if v.strip()]
        if values:
            return values[0]
    return ""


def certificate_identity(certificate: x509.Certificate) -> CertificateIdentity:
    """The unit a certificate names (no trust checked); NO_USCC when it names none."""
    uscc = uscc_from_subject(certificate.subject)
    name = unit_name_from_subject(certificate.subject)
    if uscc is None or not name:
        raise _fail(CaErrorCode.NO_USCC)
    return CertificateIdentity(
        unit_name=name,
        uscc=uscc,
        serial=format(certificate.serial_number, "X"),
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        fingerprint=certificate.fingerprint(hashes.SHA256()).hex().upper(),
    )


def certificate_verify(
    *,
    certificate: str | bytes,
    intermediates: Sequence[str | bytes] = (),
    message: bytes,
    signature: bytes,
    now: dt.datetime | None = None,
) -> CertificateIdentity:
    """Verify that the holder of `certificate` signed `message` and that the certificate is one a
    trusted CA issued to a unit, valid at `now`; return what it says about the unit."""
    moment = now or dt.datetime.now(dt.UTC)
    leaf = certificate_load(certificate)
    chain_given = [certificate_load(item) for item in intermediates]
    _signature_check(leaf, message, signature)
    if moment < leaf.not_valid_before_utc:
        raise _fail(CaErrorCode.NOT_YET_VALID)
    if moment > leaf.not_valid_after_utc:
        raise _fail(CaErrorCode.EXPIRED)
    _key_usage_check(leaf)
    chain = _chain_build(leaf, chain_given, moment)
    _revocation_check(chain, moment)
    return certificate_identity(leaf)
