"""What the hall's pages need to work with the user's certificate driver (证书驱动): its origin
for the page's Content-Security-Policy, and the identity a driver's answer proves.

Three pages ask the driver for a signature, each over its own challenge (`challenges`):
单位 CA 登录 (entry), 数字证书注册 (entry) and 绑定新证书 on 数字证书 (units). Each page posts
the same fields: `challenge`, `certificate` (PEM), `chain` (PEM blocks) and `signature`
(base64), which `driver_identity` checks.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpResponse

from yibao.core.errors import ApplicationError
from yibao.pki.challenges import challenge_take, signed_message
from yibao.pki.error_codes import CaErrorCode
from yibao.pki.verification import MESSAGES, CertificateIdentity, certificate_load, certificate_verify


def driver_url() -> str:
    return str(settings.YIBAO_CA_AGENT_URL)


def driver_origin() -> str:
    parts = urlsplit(driver_url())
    return f"{parts.scheme}://{parts.netloc}"


def driver_allow(response: HttpResponse) -> HttpResponse:
    """Let the page's script reach the driver (connect-src of the page's CSP)."""
    response._csp_update = {"connect-src": [driver_origin()]}  # type: ignore[attr-defined]
    return response


def certificate_fingerprint(certificate: str) -> str | None:
    """SHA-256 of a posted certificate (before any check), None when it does not parse."""
    try:
        return certificate_load(certificate).fingerprint(hashes.SHA256()).hex().upper()
    except ApplicationError:
        return None


def driver_identity(
    *,
    session: SessionBase,
    purpose: str,
    challenge: str,
    certificate: str,
    chain: list[str],
    signature: str,
) -> CertificateIdentity:
    """The unit whose certificate signed this session's challenge of `purpose` (spent here), or
    ApplicationError with a CaErrorCode."""
    taken = challenge_take(session, challenge, purpose=purpose)
    try:
        raw_signature = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        raise ApplicationError(CaErrorCode.MALFORMED, MESSAGES[CaErrorCode.MALFORMED]) from None
    return certificate_verify(
        certificate=certificate, intermediates=chain, message=signed_message(taken), signature=raw_signature
    )


# Refusals that come before the certificate holder's signature is known good: they say nothing
# about the certificate's holder (anyone may post a public certificate with a bad signature).
UNSIGNED_REFUSALS = frozenset(
    {
        CaErrorCode.CHALLENGE_MISSING,
        CaErrorCode.CHALLENGE_EXPIRED,
        CaErrorCode.CHALLENGE_STALE,
        CaErrorCode.MALFORMED,
        CaErrorCode.SIGNATURE,
    }
)
