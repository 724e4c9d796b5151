"""统一身份认证平台登录: the hall as an OpenID Connect relying party (Beijing manual 002 §二, §三).

Authlib's Django client does the protocol: discovery from the issuer's
/.well-known/openid-configuration, the authorization-code request with PKCE (S256), state and
nonce kept in the session, the code exchanged at the token endpoint (client_secret_basic) and the
ID token's signature checked against the provider's JWKS (fetched again once when a token names
a key the cached set lacks). On top of it the hall insists on what the library leaves optional:
the discovered issuer is exactly the configured one, an ID token is present, its iss and aud are
this issuer and this client, exp and iat are there and current, the nonce is the one sent, and an
authorization response that names its issuer (RFC 9207) names this one. A state is taken from the
session at its first use, so a replayed callback finds none.

Every refusal is an ApplicationError with an OidcErrorCode and a Chinese message; what the
identity means for the hall (which unit, registration) is oidc_login's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
)

from yibao.core.errors import ApplicationError
from yibao.core.profiles import get_profile
from yibao.entry.error_codes import OidcErrorCode

# The claims of a legal-person (法人) identity (yibao/entry/README.md).
CLAIM_USCC = "uscc"
CLAIM_ORG_NAME = "org_name"
CLAIM_SUBJECT_KIND = "subject_kind"
LEGAL_PERSON = "legal_person"

CLIENT_NAME = "yibao_oidc"
# Discovery and keys are read again after this long (a provider rotating its keys is followed
# sooner: an unknown key id fetches the set again at once).
METADATA_SECONDS = 3600
NEXT_KEY = "yibao_oidc_next"


def platform_name() -> str:
    return get_profile().oidc_platform


def _message(code: OidcErrorCode) -> str:
    platform = platform_name()
    return {
        OidcErrorCode.NOT_OFFERED: f"本平台未开通{platform}登录",
        OidcErrorCode.UNAVAILABLE: f"{platform}暂时无法访问，请稍后再试，或使用单位账号、CA证书登录",
        OidcErrorCode.UNKNOWN_ISSUER: f"身份认证结果不是来自本平台认可的{platform}，登录未完成，请重新登录",
        OidcErrorCode.STATE_MISSING: "登录请求无效或已过期，请重新点击登录",
        OidcErrorCode.STATE_MISMATCH: "登录请求无效、已使用或已过期，请重新点击登录",
        OidcErrorCode.CANCELLED: f"您已取消{platform}登录",
        OidcErrorCode.PROVIDER_ERROR: f"{platform}未完成身份认证，请重新登录",
        OidcErrorCode.TOKEN_REFUSED: f"{platform}未确认本次登录，请重新登录",
        OidcErrorCode.NO_ID_TOKEN: f"{platform}未返回身份令牌，登录未完成，请重新登录",
        OidcErrorCode.BAD_SIGNATURE: "身份令牌签名验证未通过，登录未完成，请重新登录",
        OidcErrorCode.WRONG_AUDIENCE: "身份令牌不是签发给本平台的，登录未完成，请重新登录",
        OidcErrorCode.WRONG_NONCE: "身份令牌与本次登录请求不符，登录未完成，请重新登录",
        OidcErrorCode.EXPIRED: "身份令牌已过期，请重新登录",
        OidcErrorCode.INVALID_TOKEN: "身份令牌无效，登录未完成，请重新登录",
        OidcErrorCode.NOT_LEGAL_PERSON: f"您登录的不是法人账号。单位用户请使用{platform}的法人账号登录",
        OidcErrorCode.CLAIMS_INVALID: f"{platform}返回的单位名称或统一社会信用代码不完整，无法登录，请联系{platform}核实单位信息",
        OidcErrorCode.ADDRESS_LIMITED: "登录失败次数过多，请稍后再试",
    }[code]


def oidc_error(code: OidcErrorCode) -> ApplicationError:
    return ApplicationError(code, _message(code))


def oidc_offered() -> bool:
    """The login page shows the button: the profile offers the platform and one is configured."""
    return bool(
        get_profile().oidc_login
        and settings.YIBAO_OIDC_ISSUER
        and settings.YIBAO_OIDC_CLIENT_ID
        and settings.YIBAO_OIDC_CLIENT_SECRET
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def oidc_form_action_origins() -> list[str]:
    """Where the button's form may lead (the page's CSP form-action holds only 'self'; a browser
    applies it to the redirect that follows the post too): the issuer's origin, and the
    authorization endpoint's once discovery has been read."""
    if not oidc_offered():
        return []
    origins = {_origin(str(settings.YIBAO_OIDC_ISSUER))}
    made = _registries.get(_client_key())
    endpoint = (
        made[1].create_client(CLIENT_NAME).server_metadata.get("authorization_endpoint") if made else None
    )
    if isinstance(endpoint, str) and endpoint:
        origins.add(_origin(endpoint))
    return sorted(origins)


@dataclass(frozen=True, kw_only=True)
class PlatformClaims:
    """What a verified ID token says: who (issuer, subject) and, for a legal person, which unit."""

    issuer: str
    subject: str
    subject_kind: str
    uscc: str
    name: str


_registries: dict[tuple[str, str, str], tuple[float, OAuth]] = {}


def _client_key() -> tuple[str, str, str]:
    return (
        str(settings.YIBAO_OIDC_ISSUER),
        str(settings.YIBAO_OIDC_CLIENT_ID),
        str(settings.YIBAO_OIDC_CLIENT_SECRET),
    )


def _client() -> DjangoOAuth2App:
    """The configured provider's client; its discovery and keys are cached for METADATA_SECONDS."""
    key = _client_key()
    issuer = key[0]
    made = _registries.get(key)
    if made is None or time.monotonic() - made[0] > METADATA_SECONDS:
        registry = OAuth()
        registry.register(
            CLIENT_NAME,
            client_id=key[1],
            client_secret=key[2],
            server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={
                "scope": str(settings.YIBAO_OIDC_SCOPE),
                "code_challenge_method": "S256",
                "default_timeout": int(settings.YIBAO_OIDC_TIMEOUT_SECONDS),
            },
        )
        made = (time.monotonic(), registry)
        _registries[key] = made
    client: DjangoOAuth2App = made[1].create_client(CLIENT_NAME)
    return client


def _metadata(client: DjangoOAuth2App) -> dict[str, Any]:
    try:
        metadata: dict[str, Any] = client.load_server_metadata()
    except (requests.RequestException, ValueError):
        raise oidc_error(OidcErrorCode.UNAVAILABLE) from None
    # OpenID Connect Discovery §4.3: the issuer in the document is exactly the one asked.
    if metadata.get("issuer") != settings.YIBAO_OIDC_ISSUER:
        raise oidc_error(OidcErrorCode.UNKNOWN_ISSUER)
    return metadata


def oidc_authorization_start(request: HttpRequest, *, redirect_uri: str, next_url: str) -> HttpResponse:
    """The redirect to the provider's login, with a fresh state, nonce and PKCE verifier kept in
    the session (and where the user was headed)."""
    if not oidc_offered():
        raise oidc_error(OidcErrorCode.NOT_OFFERED)
    client = _client()
    _metadata(client)
    response: HttpResponse = client.authorize_redirect(request, redirect_uri)
    request.session[NEXT_KEY] = next_url
    return response


def oidc_next_take(session: SessionBase) -> str:
    return str(session.pop(NEXT_KEY, "") or "")


def _state_take(client: DjangoOAuth2App, request: HttpRequest) -> dict[str, Any]:
    """The session's record of the request this callback answers, removed so it serves once."""
    state = request.GET.get("state", "")
    if not state:
        raise oidc_error(OidcErrorCode.STATE_MISSING)
    data = client.framework.get_state_data(request.session, state)
    client.framework.clear_state_data(request.session, state)
    if not isinstance(data, dict) or not data.get("nonce") or not data.get("code_verifier"):
        raise oidc_error(OidcErrorCode.STATE_MISMATCH)
    return data


def _token(client: DjangoOAuth2App, request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    error = request.GET.get("error", "")
    if error:
        raise oidc_error(
            OidcErrorCode.CANCELLED if error == "access_denied" else OidcErrorCode.PROVIDER_ERROR
        )
    # RFC 9207: a provider that names itself in the response must name the configured issuer.
    named = request.GET.get("iss")
    if named is not None and named != settings.YIBAO_OIDC_ISSUER:
        raise oidc_error(OidcErrorCode.UNKNOWN_ISSUER)
    code = request.GET.get("code", "")
    if not code:
        raise oidc_error(OidcErrorCode.PROVIDER_ERROR)
    try:
        token: dict[str, Any] = client.fetch_access_token(
            code=code, redirect_uri=data["redirect_uri"], code_verifier=data["code_verifier"]
        )
    except requests.RequestException:
        raise oidc_error(OidcErrorCode.UNAVAILABLE) from None
    except (AuthlibBaseError, ValueError):
        raise oidc_error(OidcErrorCode.TOKEN_REFUSED) from None
    if not token.get("id_token"):
        raise oidc_error(OidcErrorCode.NO_ID_TOKEN)
    return token


CLAIM_REFUSALS = {
    "iss": OidcErrorCode.UNKNOWN_ISSUER,
    "aud": OidcErrorCode.WRONG_AUDIENCE,
    "azp": OidcErrorCode.WRONG_AUDIENCE,
    "nonce": OidcErrorCode.WRONG_NONCE,
}


def id_token_verify(client: DjangoOAuth2App, token: dict[str, Any], *, nonce: str) -> dict[str, Any]:
    """The claims of the token response's ID token once its signature (the provider's JWKS), iss,
    aud, exp, iat and nonce are checked."""
    issuer = str(settings.YIBAO_OIDC_ISSUER)
    options: dict[str, Any] = {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": client.client_id},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "iat": {"essential": True},
    }
    try:
        claims = client.parse_id_token(
            token, nonce=nonce, claims_options=options, leeway=int(settings.YIBAO_OIDC_LEEWAY_SECONDS)
        )
    except requests.RequestException:
        raise oidc_error(OidcErrorCode.UNAVAILABLE) from None
    except (BadSignatureError, InvalidKeyIdError):
        raise oidc_error(OidcErrorCode.BAD_SIGNATURE) from None
    except ExpiredTokenError:
        raise oidc_error(OidcErrorCode.EXPIRED) from None
    except ClaimError as error:
        raise oidc_error(CLAIM_REFUSALS.get(error.claim, OidcErrorCode.INVALID_TOKEN)) from None
    except (JoseError, ValueError, TypeError):
        raise oidc_error(OidcErrorCode.INVALID_TOKEN) from None
    return dict(claims)


def oidc_callback_claims(request: HttpRequest) -> PlatformClaims:
    """What the provider's answer at the callback says about the user, every check passed."""
    client = _client()
    data = _state_take(client, request)
    _metadata(client)
    token = _token(client, request, data)
    claims = id_token_verify(client, token, nonce=str(data["nonce"]))
    return PlatformClaims(
        issuer=str(claims["iss"]),
        subject=str(claims["sub"]),
        subject_kind=str(claims.get(CLAIM_SUBJECT_KIND, "")),
        uscc=str(claims.get(CLAIM_USCC, "")).strip().upper(),
        name=str(claims.get(CLAIM_ORG_NAME, "")).strip(),
    )
