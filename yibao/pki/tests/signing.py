"""Posting what a certificate driver would post: a signature over the page's challenge (tests)."""

from __future__ import annotations

import base64
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.test import Client

from tests.pagecheck import check_page
from yibao.pki.challenges import signed_message
from yibao.pki.issuing import Issued, pem
from yibao.pki.tests.fixtures import CaWorld


def page_challenge(client: Client, url: str) -> str:
    field = check_page(client.get(url)).select_one('input[name="challenge"]')
    assert field is not None
    return str(field["value"])


def driver_post(
    client: Client,
    url: str,
    issued: Issued,
    world: CaWorld,
    *,
    challenge: str | None = None,
    signed: str | None = None,
) -> Any:
    """Fetch the page's challenge (unless given), sign it (or `signed`) and post the answer."""
    challenge = challenge if challenge is not None else page_challenge(client, url)
    message = signed_message(signed or challenge)
    key = issued.key
    if isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    else:
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        signature = key.sign(message, ec.ECDSA(hashes.SHA256()))
    return client.post(
        url,
        {
            "challenge": challenge,
            "certificate": pem(issued.certificate),
            "chain": pem(world.hierarchy.intermediate.certificate),
            "signature": base64.b64encode(signature).decode(),
            "selected": "dw1",
        },
    )


def error_texts(response: Any) -> list[str]:
    return [li.get_text() for li in check_page(response).select(".error-summary li")]
