"""统一身份认证平台登录 against a real OpenID Connect provider (tests/oidc_provider, started by the
tests in a process of its own): the test client follows the hall's redirect to the provider, the
provider's user logs in there, and the provider's redirect comes back to the hall's callback.

A registered unit's legal person logs in as the unit admin; an unknown one registers with the
verified name and USCC; every refusal of the issue's "Bad input" says why, is audited and logs
nobody in."""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from django.test import Client
from joserfc import jwt
from joserfc.jwk import RSAKey
from oauth2_provider.utils import jwk_from_pem

from tests.oidc_provider.fixtures import CLIENT_ID, Provider, oidc_configure, provider_start
from tests.pagecheck import check_page, visible_text
from yibao.accounts.error_codes import LoginErrorCode
from yibao.core.errors import ApplicationError
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import UnitFactory
from yibao.entry.error_codes import OidcErrorCode
from yibao.entry.models import PlatformIdentity
from yibao.entry.oidc import _client, id_token_verify
from yibao.entry.tests.test_registration import OPERATOR_STEP, UNIT_STEP, USCC, errors, send_code
from yibao.units.models import Unit

pytestmark = pytest.mark.django_db


def person_for(provider: Provider, unit: Unit | None = None, **claims: str) -> str:
    values = {"uscc": unit.uscc, "org_name": unit.name} if unit is not None else {}
    return provider.person_add(f"faren-{uuid.uuid4().hex[:8]}", **(values | claims))


def start(client: Client, **data: str) -> str:
    """Click the button: the hall sends the browser to the provider."""
    response = client.post("/hall/login/oidc/", data)
    assert response.status_code == 302, response.content.decode()[:500]
    return str(response["Location"])


def back(client: Client, callback_url: str) -> Any:
    """The provider's redirect arrives at the hall."""
    parts = urlsplit(callback_url)
    assert parts.path == "/hall/login/oidc/callback/"
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client: Client, provider: Provider, username: str) -> Any:
    return back(client, provider.authorize(start(client), username))


def refused(
    response: Any, client: Client, code: OidcErrorCode | LoginErrorCode, message: str, *, status: int = 200
) -> None:
    soup = check_page(response, status=status)
    assert message in visible_text(soup), visible_text(soup)
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.filter(action__in=["oidc_login", "oidc_login_refused"]).latest("pk")
    assert (event.action, event.after["code"]) == ("oidc_login_refused", str(code))


def test_the_button_sits_under_the_unit_login_where_offered(
    client: Client, oidc_provider: Provider, settings
) -> None:
    response = client.get("/hall/login/")
    soup = check_page(response)
    # The browser may follow the form's redirect to the platform (CSP form-action).
    form_action = next(
        part for part in response["Content-Security-Policy"].split(";") if "form-action" in part
    )
    assert oidc_provider.url in form_action and "'self'" in form_action
    form = soup.select_one("form.login__oidc")
    assert form["action"] == "/hall/login/oidc/" and form["method"] == "post"
    assert form.find("button").get_text() == "北京市统一身份认证平台登录"
    assert soup.select("form")[0]["class"] == ["login__form"]  # under 单位账号登录

    settings.YIBAO_PROFILE = "national"
    assert check_page(client.get("/hall/login/")).select_one("form.login__oidc") is None
    settings.YIBAO_PROFILE = "beijing"
    settings.YIBAO_OIDC_ISSUER = ""
    assert check_page(client.get("/hall/login/")).select_one("form.login__oidc") is None
    assert client.post("/hall/login/oidc/").status_code == 200  # a page saying it is not offered
    assert "本平台未开通北京市统一身份认证平台登录" in client.post("/hall/login/oidc/").content.decode()


def test_the_request_to_the_provider_uses_pkce_state_and_nonce(
    client: Client, oidc_provider: Provider
) -> None:
    query = parse_qs(urlsplit(start(client)).query)
    assert query["response_type"] == ["code"] and query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["scope"] == ["openid profile"]
    assert query["redirect_uri"] == ["http://testserver/hall/login/oidc/callback/"]
    assert len(query["state"][0]) >= 20 and len(query["nonce"][0]) >= 20


def test_a_registered_units_legal_person_logs_in_as_its_admin(
    client: Client, oidc_provider: Provider
) -> None:
    unit: Unit = UnitFactory.create()
    username = person_for(oidc_provider, unit)
    response = sign_in(client, oidc_provider, username)
    assert response.status_code == 302 and response["Location"] == "/hall/unit/"
    assert int(client.session["_auth_user_id"]) == unit.account_id
    login = AuditEvent.objects.get(action="oidc_login")
    assert login.actor_id == unit.account_id
    assert login.after["via"] == "oidc" and login.after["issuer"] == oidc_provider.issuer
    identity = PlatformIdentity.objects.get()
    assert (identity.unit, identity.issuer, identity.subject) == (
        unit,
        oidc_provider.issuer,
        login.after["subject"],
    )
    assert AuditEvent.objects.filter(action="oidc_identity_linked", unit=unit).count() == 1
    check_page(client.get("/hall/unit/"))

    # The second time the identity is known: no second link.
    client.post("/hall/logout/")
    response = sign_in(client, oidc_provider, username)
    assert response["Location"] == "/hall/unit/"
    assert PlatformIdentity.objects.count() == 1
    assert PlatformIdentity.objects.get().last_login_at is not None
    assert AuditEvent.objects.filter(action="oidc_identity_linked").count() == 1


def test_where_the_unit_admin_was_headed_is_kept(client: Client, oidc_provider: Provider) -> None:
    unit: Unit = UnitFactory.create()
    username = person_for(oidc_provider, unit)
    location = oidc_provider.authorize(start(client, next="/hall/messages/"), username)
    assert back(client, location)["Location"] == "/hall/messages/"


def test_an_unknown_uscc_registers_with_the_verified_name_and_uscc(
    client: Client, oidc_provider: Provider, django_capture_on_commit_callbacks
) -> None:
    username = person_for(oidc_provider, uscc=USCC, org_name=UNIT_STEP["name"])
    response = sign_in(client, oidc_provider, username)
    assert response["Location"] == "/hall/register/"
    assert "_auth_user_id" not in client.session
    soup = check_page(client.get("/hall/register/"))
    for name, value in (("name", UNIT_STEP["name"]), ("uscc", USCC)):
        field = soup.find("input", attrs={"name": name})
        assert field.has_attr("disabled") and field["value"] == value
    assert "已由统一身份认证平台验证，不可修改" in visible_text(soup)

    response = client.post("/hall/register/", UNIT_STEP)
    assert response.status_code == 302, errors(response)
    code = send_code(client, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    response = client.post("/hall/register/operator/", {**OPERATOR_STEP, "sms_code": code})
    assert response["Location"] == "/hall/register/done/", errors(response)
    unit = Unit.objects.get(uscc=USCC)
    identity = PlatformIdentity.objects.get()
    assert identity.unit == unit and identity.issuer == oidc_provider.issuer
    verified = AuditEvent.objects.get(action="unit_registration_verified", unit=unit)
    assert verified.after == {"source": "oidc", "issuer": oidc_provider.issuer, "subject": identity.subject}

    # From now on the identity logs in as the new unit's admin.
    response = sign_in(client, oidc_provider, username)
    assert response["Location"] == "/hall/unit/"
    assert int(client.session["_auth_user_id"]) == unit.account_id


def test_a_wrong_state_is_refused(client: Client, oidc_provider: Provider) -> None:
    unit: Unit = UnitFactory.create()
    location = oidc_provider.authorize(start(client), person_for(oidc_provider, unit))
    parts = urlsplit(location)
    query = parse_qs(parts.query)
    query["state"] = ["forged-state-value-0123456789"]
    forged = urlunsplit(parts._replace(query=urlencode(query, doseq=True)))
    refused(back(client, forged), client, OidcErrorCode.STATE_MISMATCH, "登录请求无效、已使用或已过期")


def test_a_missing_state_is_refused(client: Client, oidc_provider: Provider) -> None:
    unit: Unit = UnitFactory.create()
    location = oidc_provider.authorize(start(client), person_for(oidc_provider, unit))
    parts = urlsplit(location)
    query = {key: value for key, value in parse_qs(parts.query).items() if key != "state"}
    stripped = urlunsplit(parts._replace(query=urlencode(query, doseq=True)))
    refused(back(client, stripped), client, OidcErrorCode.STATE_MISSING, "登录请求无效或已过期")


def test_a_callback_from_another_browser_is_refused(client: Client, oidc_provider: Provider) -> None:
    """The state is the session's: a code sent into someone else's browser logs nobody in."""
    unit: Unit = UnitFactory.create()
    location = oidc_provider.authorize(start(client), person_for(oidc_provider, unit))
    victim = Client()
    refused(back(victim, location), victim, OidcErrorCode.STATE_MISMATCH, "登录请求无效、已使用或已过期")


def test_a_replayed_callback_is_refused(client: Client, oidc_provider: Provider) -> None:
    unit: Unit = UnitFactory.create()
    location = oidc_provider.authorize(start(client), person_for(oidc_provider, unit))
    assert back(client, location)["Location"] == "/hall/unit/"
    client.post("/hall/logout/")
    refused(back(client, location), client, OidcErrorCode.STATE_MISMATCH, "登录请求无效、已使用或已过期")


def test_an_id_token_for_another_nonce_is_refused(client: Client, oidc_provider: Provider) -> None:
    unit: Unit = UnitFactory.create()
    parts = urlsplit(start(client))
    query = parse_qs(parts.query)
    query["nonce"] = ["injected-nonce-0123456789"]
    tampered = urlunsplit(parts._replace(query=urlencode(query, doseq=True)))
    location = oidc_provider.authorize(tampered, person_for(oidc_provider, unit))
    refused(back(client, location), client, OidcErrorCode.WRONG_NONCE, "身份令牌与本次登录请求不符")


def test_an_id_token_signed_by_another_key_is_refused(client: Client, oidc_providers, settings) -> None:
    impostor: Provider = oidc_providers["impostor"]
    oidc_configure(settings, impostor)
    unit: Unit = UnitFactory.create()
    response = sign_in(client, impostor, person_for(impostor, unit))
    refused(response, client, OidcErrorCode.BAD_SIGNATURE, "身份令牌签名验证未通过")
    event = AuditEvent.objects.filter(action="oidc_login_refused").latest("pk")
    assert "subject" not in (event.after or {})  # nothing from an unverified token is recorded


def test_a_provider_with_another_issuer_identifier_is_refused(
    client: Client, oidc_providers, settings
) -> None:
    foreign: Provider = oidc_providers["foreign"]
    oidc_configure(settings, foreign)
    response = client.post("/hall/login/oidc/")
    refused(response, client, OidcErrorCode.UNKNOWN_ISSUER, "不是来自本平台认可的北京市统一身份认证平台")


def test_an_expired_id_token_is_refused(client: Client, oidc_providers, settings) -> None:
    expired: Provider = oidc_providers["expired"]
    oidc_configure(settings, expired)
    unit: Unit = UnitFactory.create()
    response = sign_in(client, expired, person_for(expired, unit))
    refused(response, client, OidcErrorCode.EXPIRED, "身份令牌已过期，请重新登录")


def test_a_user_who_declines_at_the_provider_is_told_so(
    client: Client, oidc_provider: Provider, settings
) -> None:
    oidc_configure(settings, oidc_provider, client_id=CLIENT_ID + "-consent")
    unit: Unit = UnitFactory.create()
    location = oidc_provider.authorize(start(client), person_for(oidc_provider, unit), consent=False)
    assert "error=access_denied" in str(location)
    refused(back(client, location), client, OidcErrorCode.CANCELLED, "您已取消北京市统一身份认证平台登录")

    # With consent given the same client logs in.
    location = oidc_provider.authorize(start(client), person_for(oidc_provider, unit), consent=True)
    assert back(client, location)["Location"] == "/hall/unit/"


def test_a_natural_person_is_refused(client: Client, oidc_provider: Provider) -> None:
    unit: Unit = UnitFactory.create()
    response = sign_in(client, oidc_provider, person_for(oidc_provider, unit, subject_kind="natural_person"))
    refused(response, client, OidcErrorCode.NOT_LEGAL_PERSON, "您登录的不是法人账号")


def test_an_invalid_uscc_claim_is_refused(client: Client, oidc_provider: Provider) -> None:
    response = sign_in(
        client, oidc_provider, person_for(oidc_provider, uscc="91530112MA6NQ2P808", org_name="某公司")
    )
    refused(response, client, OidcErrorCode.CLAIMS_INVALID, "单位名称或统一社会信用代码不完整")


def test_an_identity_linked_to_another_unit_is_refused(client: Client, oidc_provider: Provider) -> None:
    unit: Unit = UnitFactory.create()
    other: Unit = UnitFactory.create()
    username = person_for(oidc_provider, unit)
    assert sign_in(client, oidc_provider, username)["Location"] == "/hall/unit/"
    client.post("/hall/logout/")
    PlatformIdentity.objects.update(unit=other)  # the identity now belongs to another unit
    response = sign_in(client, oidc_provider, username)
    refused(response, client, OidcErrorCode.LINKED_ELSEWHERE, "已关联其他单位")


def test_a_unit_linked_to_another_identity_is_refused(client: Client, oidc_provider: Provider) -> None:
    unit: Unit = UnitFactory.create()
    PlatformIdentity.objects.create(unit=unit, issuer=oidc_provider.issuer, subject="someone-else")
    response = sign_in(client, oidc_provider, person_for(oidc_provider, unit))
    refused(
        response,
        client,
        OidcErrorCode.UNIT_LINKED_OTHERWISE,
        "该单位已关联其他北京市统一身份认证平台法人账号",
    )


def test_a_linked_identity_may_not_register_another_unit(client: Client, oidc_provider: Provider) -> None:
    unit: Unit = UnitFactory.create()
    username = person_for(oidc_provider, unit)
    assert sign_in(client, oidc_provider, username)["Location"] == "/hall/unit/"
    client.post("/hall/logout/")
    oidc_provider.person_add(username, uscc=USCC, org_name=UNIT_STEP["name"])  # the platform's record changed
    refused(
        sign_in(client, oidc_provider, username), client, OidcErrorCode.LINKED_ELSEWHERE, "已关联其他单位"
    )


def test_a_disabled_unit_account_is_refused(client: Client, oidc_provider: Provider) -> None:
    unit: Unit = UnitFactory.create()
    assert unit.account is not None
    unit.account.is_active = False
    unit.account.save(update_fields=["is_active"])
    response = sign_in(client, oidc_provider, person_for(oidc_provider, unit))
    refused(response, client, OidcErrorCode.ACCOUNT_DISABLED, "该单位账号已停用")


def test_a_unit_account_locked_by_wrong_passwords_is_refused(client: Client, oidc_provider: Provider) -> None:
    from yibao.accounts import lockout
    from yibao.accounts.authentication import user_lock_key

    unit: Unit = UnitFactory.create()
    assert unit.account is not None
    for _ in range(5):
        lockout.login_failure_record(account_key=user_lock_key(unit.account), ip_address="10.0.0.9")
    response = sign_in(client, oidc_provider, person_for(oidc_provider, unit))
    refused(response, client, LoginErrorCode.LOCKED, "锁定")


def test_a_provider_that_does_not_answer_gives_a_clean_page(client: Client, settings, tmp_path) -> None:
    # Down before the user leaves: discovery fails.
    settings.YIBAO_PROFILE = "beijing"
    settings.YIBAO_OIDC_ISSUER = "http://127.0.0.1:9/o"
    settings.YIBAO_OIDC_CLIENT_ID = CLIENT_ID
    settings.YIBAO_OIDC_CLIENT_SECRET = "secret"
    response = client.post("/hall/login/oidc/")
    refused(response, client, OidcErrorCode.UNAVAILABLE, "北京市统一身份认证平台暂时无法访问", status=503)

    # Down while the user is there: the code cannot be exchanged.
    doomed = provider_start("main", tmp_path / "doomed")
    try:
        oidc_configure(settings, doomed)
        unit: Unit = UnitFactory.create()
        location = doomed.authorize(start(client), person_for(doomed, unit))
    finally:
        doomed.process.terminate()
        doomed.process.wait(timeout=10)
    refused(back(client, location), client, OidcErrorCode.UNAVAILABLE, "暂时无法访问", status=503)


# --- the ID token checks one by one, on tokens signed with the main provider's own key -------


def provider_token(provider: Provider, **changes: Any) -> dict[str, str]:
    key = RSAKey.import_key(provider.key_pem)
    now = int(time.time())
    claims = {
        "iss": provider.issuer,
        "sub": "1",
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": "expected-nonce",
        "uscc": USCC,
        "org_name": "昆明云岭科技有限公司",
        "subject_kind": "legal_person",
    } | changes
    claims = {name: value for name, value in claims.items() if value is not None}
    header = {"alg": "RS256", "kid": jwk_from_pem(provider.key_pem).thumbprint()}
    return {"id_token": jwt.encode(header, claims, key), "token_type": "Bearer"}


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"aud": "another-client"}, OidcErrorCode.WRONG_AUDIENCE),
        ({"aud": None}, OidcErrorCode.WRONG_AUDIENCE),
        ({"iss": "https://idp.example.invalid/o"}, OidcErrorCode.UNKNOWN_ISSUER),
        ({"nonce": "another-nonce"}, OidcErrorCode.WRONG_NONCE),
        ({"nonce": None}, OidcErrorCode.WRONG_NONCE),
        ({"exp": int(time.time()) - 3600}, OidcErrorCode.EXPIRED),
        ({"exp": None}, OidcErrorCode.INVALID_TOKEN),
        ({"iat": int(time.time()) + 3600}, OidcErrorCode.INVALID_TOKEN),
        ({"iat": None}, OidcErrorCode.INVALID_TOKEN),
    ],
)
def test_each_id_token_check(oidc_provider: Provider, changes: dict[str, Any], code: OidcErrorCode) -> None:
    with pytest.raises(ApplicationError) as raised:
        id_token_verify(_client(), provider_token(oidc_provider, **changes), nonce="expected-nonce")
    assert raised.value.code is code


def test_a_good_id_token_passes_and_a_foreign_key_does_not(oidc_provider: Provider, oidc_providers) -> None:
    claims = id_token_verify(_client(), provider_token(oidc_provider), nonce="expected-nonce")
    assert (claims["uscc"], claims["sub"]) == (USCC, "1")
    with pytest.raises(ApplicationError) as raised:
        id_token_verify(_client(), provider_token(oidc_providers["expired"]), nonce="expected-nonce")
    assert raised.value.code is OidcErrorCode.BAD_SIGNATURE
