"""The hand-off token: issued and verified once; refused with a wrong key, expired, replayed,
tampered with, with another algorithm, too long-lived or from the future."""

from __future__ import annotations

import base64
import json

import pytest

from yibao.core.errors import ApplicationError
from yibao.procurement.error_codes import ProcurementErrorCode
from yibao.procurement.receiver import JtiStore
from yibao.procurement.tokens import MAX_LIFETIME, HandOff, token_issue, token_verify

KEY = b"k" * 16 + b"0123456789abcdefghijklmnop"
HANDOFF = HandOff(uscc="91110105MA01ABCD1X", unit_name="北京医药集团有限公司", operator_id="42")
NOW = 1_800_000_000


def verify(token: str, *, key: bytes = KEY, now: float = NOW + 1, store: JtiStore | None = None) -> dict:
    return token_verify(token, key=key, seen=(store or JtiStore(clock=lambda: now)).seen, now=now)


def refusal(token: str, **kwargs) -> ProcurementErrorCode:
    with pytest.raises(ApplicationError) as refused:
        verify(token, **kwargs)
    return refused.value.code  # type: ignore[return-value]


def test_a_fresh_token_verifies_with_its_claims() -> None:
    token, claims = token_issue(HANDOFF, key=KEY, lifetime=120, now=NOW)
    assert verify(token) == claims
    assert claims["exp"] - claims["iat"] == 120
    assert (claims["sub"], claims["uscc"], claims["unit_name"]) == ("42", HANDOFF.uscc, HANDOFF.unit_name)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header == {"alg": "HS256", "typ": "JWT"}


def test_the_lifetime_is_at_most_five_minutes() -> None:
    _token, claims = token_issue(HANDOFF, key=KEY, lifetime=3600, now=NOW)
    assert claims["exp"] - claims["iat"] == MAX_LIFETIME == 300


def test_each_token_has_its_own_jti() -> None:
    first = token_issue(HANDOFF, key=KEY, now=NOW)[1]["jti"]
    assert first != token_issue(HANDOFF, key=KEY, now=NOW)[1]["jti"]


def test_a_short_key_is_not_used() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        token_issue(HANDOFF, key=b"short", now=NOW)


def test_a_wrong_key_is_refused() -> None:
    token, _ = token_issue(HANDOFF, key=KEY, now=NOW)
    assert refusal(token, key=KEY[::-1]) is ProcurementErrorCode.BAD_SIGNATURE


def test_an_expired_token_is_refused() -> None:
    token, claims = token_issue(HANDOFF, key=KEY, lifetime=60, now=NOW)
    assert verify(token, now=claims["exp"] + 29)["jti"] == claims["jti"]  # within the clock leeway
    assert refusal(token, now=claims["exp"] + 31) is ProcurementErrorCode.EXPIRED


def test_a_token_from_the_future_is_refused() -> None:
    token, _ = token_issue(HANDOFF, key=KEY, now=NOW + 120)
    assert refusal(token, now=NOW) is ProcurementErrorCode.BAD_CLAIMS


def test_a_replayed_token_is_refused() -> None:
    token, _ = token_issue(HANDOFF, key=KEY, now=NOW)
    store = JtiStore(clock=lambda: NOW)
    verify(token, store=store)
    assert refusal(token, store=store) is ProcurementErrorCode.REPLAYED


def _b64(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def test_changed_claims_break_the_signature() -> None:
    token, claims = token_issue(HANDOFF, key=KEY, now=NOW)
    header, _body, signature = token.split(".")
    forged = ".".join((header, _b64({**claims, "uscc": "911101080000000000"}), signature))
    assert refusal(forged) is ProcurementErrorCode.BAD_SIGNATURE


def test_another_algorithm_is_refused() -> None:
    token, _claims = token_issue(HANDOFF, key=KEY, now=NOW)
    unsigned = ".".join((_b64({"alg": "none", "typ": "JWT"}), token.split(".")[1], ""))
    assert refusal(unsigned) is ProcurementErrorCode.MALFORMED


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c.d", "!!.??.**", "e30.e30.e30"])
def test_malformed_tokens_are_refused(token: str) -> None:
    assert refusal(token) in (ProcurementErrorCode.MALFORMED, ProcurementErrorCode.BAD_SIGNATURE)


def test_a_signed_token_with_a_long_life_is_refused() -> None:
    """Even correctly signed (a key leaked to a wrong issuer), a token living over 300 s is not taken."""
    import hashlib
    import hmac

    header = _b64({"alg": "HS256", "typ": "JWT"})
    claims = {"iss": "yibao-hall", "aud": "procurement-system", "iat": NOW, "exp": NOW + 3600, "jti": "x",
              "sub": "1", "uscc": HANDOFF.uscc, "unit_name": "u"}  # fmt: skip
    body = _b64(claims)
    mac = hmac.new(KEY, f"{header}.{body}".encode(), hashlib.sha256).digest()
    token = f"{header}.{body}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    assert refusal(token) is ProcurementErrorCode.BAD_CLAIMS
