"""/ops/metrics/: Prometheus figures for the monitoring system only, 404 for everyone else."""

from __future__ import annotations

import pytest
from django.test import Client

from yibao.core.monitoring import address_allowed, networks_parse

TOKEN = "m3tr1cs-Sc4pe-T0ken-aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"


@pytest.fixture
def monitoring(settings):
    settings.YIBAO_METRICS_ALLOWED_ADDRESSES = ["10.8.0.0/16", "192.0.2.7"]
    settings.YIBAO_METRICS_TOKEN = TOKEN
    return settings


@pytest.mark.django_db
def test_nobody_gets_metrics_while_nothing_is_configured(client: Client, settings) -> None:
    settings.YIBAO_METRICS_ALLOWED_ADDRESSES = []
    settings.YIBAO_METRICS_TOKEN = ""
    assert client.get("/ops/metrics/", REMOTE_ADDR="127.0.0.1").status_code == 404
    assert client.get("/ops/metrics/", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
def test_an_allowed_address_gets_the_figures(client: Client, monitoring) -> None:
    client.get("/ops/health/live/")  # something to count
    response = client.get("/ops/metrics/", REMOTE_ADDR="10.8.3.4")
    text = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "django_http_requests_total_by_method_total" in text
    assert 'view="core-ops:live"' in text  # by route name, never by path or user


@pytest.mark.django_db
def test_the_token_opens_it_from_anywhere(client: Client, monitoring) -> None:
    response = client.get("/ops/metrics/", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"REMOTE_ADDR": "203.0.113.9"},
        {"REMOTE_ADDR": "203.0.113.9", "HTTP_AUTHORIZATION": "Bearer wrong"},
        {"REMOTE_ADDR": "203.0.113.9", "HTTP_AUTHORIZATION": TOKEN},  # no scheme
        # a client cannot claim an allowed address: without trusted proxies X-Forwarded-For is ignored
        {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "10.8.0.1"},
    ],
)
@pytest.mark.django_db
def test_anyone_else_gets_404(client: Client, monitoring, headers) -> None:
    assert client.get("/ops/metrics/", **headers).status_code == 404


@pytest.mark.django_db
def test_behind_the_proxy_the_forwarded_client_counts(client: Client, monitoring) -> None:
    monitoring.YIBAO_TRUSTED_PROXIES = 1
    allowed = client.get("/ops/metrics/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.7")
    refused = client.get(
        "/ops/metrics/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.8.0.1, 198.51.100.1"
    )
    assert allowed.status_code == 200
    assert refused.status_code == 404


def test_address_rules() -> None:
    networks = networks_parse(["10.0.0.0/8", "::1", " 192.0.2.7 "])
    assert address_allowed("10.1.2.3", networks)
    assert address_allowed("::1", networks)
    assert address_allowed("192.0.2.7", networks)
    assert not address_allowed("192.0.2.8", networks)
    assert not address_allowed("not-an-address", networks)
    assert not address_allowed(None, networks)
    with pytest.raises(ValueError):
        networks_parse(["10.0.0.0/33"])
