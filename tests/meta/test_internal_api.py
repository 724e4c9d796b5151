"""Every internal API route (not a hall route: machine clients, no session) refuses requests
without the token, and is off altogether while no token is configured."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.meta.test_urls import current_routes
from yibao.core.guards import GUARD_ATTRIBUTE, Guard

# Calls between halls, signed with the shared secret instead of the bearer token (their own tests:
# yibao/federation/tests/test_outbox.py).
SIGNED = {
    "api/internal/federation/events/",
    "api/internal/federation/verify-account/",
    "api/internal/federation/unit-registered/",
}


def internal_routes() -> list[str]:
    return ["/" + route for route, _ in current_routes() if route.startswith("api/") and route not in SIGNED]


@pytest.mark.django_db
def test_signed_routes_refuse_unsigned_calls_and_are_off_without_a_secret(client: Client, settings) -> None:
    settings.YIBAO_FEDERATION_SECRET = ""
    for route in SIGNED:
        assert client.post("/" + route, {}).status_code == 404
    settings.YIBAO_FEDERATION_SECRET = "federation-secret-for-meta-tests-Lm3Qx8Rt5Vw2Yz7"
    for route in SIGNED:
        assert client.post("/" + route, {}).status_code == 401
        assert client.post("/" + route, {}, HTTP_AUTHORIZATION="Bearer anything").status_code == 401


def test_internal_routes_exist_and_are_token_guarded() -> None:
    routes = [(route, view) for route, view in current_routes() if route.startswith("api/")]
    assert [r for r, _ in routes] == [
        "api/internal/contributions/",
        "api/internal/institutions/",
        "api/internal/unit-registry/",
        "api/internal/federation/events/",
        "api/internal/federation/verify-account/",
        "api/internal/federation/unit-registered/",
    ]
    assert {getattr(view, GUARD_ATTRIBUTE) for _, view in routes} == {Guard.TOKEN}


@pytest.mark.django_db
def test_internal_routes_are_off_without_a_configured_token(client: Client, settings) -> None:
    settings.YIBAO_INTERNAL_API_TOKEN = ""
    for route in internal_routes():
        assert client.post(route, {}, HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
def test_internal_routes_refuse_a_missing_or_wrong_token(client: Client, settings) -> None:
    settings.YIBAO_INTERNAL_API_TOKEN = "s3cret-token-for-tests"
    for route in internal_routes():
        assert client.post(route, {}).status_code == 401
        assert client.post(route, {}, HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
        assert client.post(route, {}, HTTP_AUTHORIZATION="s3cret-token-for-tests").status_code == 401
