"""The national instance's answers to provincial halls, through the test client: signed calls
only, a budget per calling hall, and the national lockout applied per end user."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from yibao.core.tests.factories import UnitFactory
from yibao.federation.signing import request_headers

SECRET = "federation-secret-for-api-tests-Lm3Qx8Rt5Vw2Yz7Bc4"
VERIFY = "/api/internal/federation/verify-account/"
REGISTERED = "/api/internal/federation/unit-registered/"


def call(client: Client, path: str, payload: dict[str, Any]) -> Any:
    body = json.dumps(payload).encode()
    return client.post(path, body, content_type="application/json", headers=request_headers(body, path=path))


@pytest.fixture(autouse=True)
def national(settings: Any) -> None:
    settings.YIBAO_FEDERATION_SECRET = SECRET
    settings.YIBAO_FEDERATION_SOURCE = "yunnan"


@pytest.mark.django_db
def test_a_right_password_answers_the_unit_and_a_wrong_one_does_not(client: Client) -> None:
    unit = UnitFactory.create()
    assert unit.account is not None
    good = call(
        client, VERIFY, {"kind": "unit", "identifier": unit.account.username, "password": "Yibao2026test"}
    )
    answer = good.json()
    assert (
        answer["ok"] is True and answer["unit"]["uscc"] == unit.uscc and "password" not in json.dumps(answer)
    )
    bad = call(
        client, VERIFY, {"kind": "unit", "identifier": unit.account.username, "password": "Wrong123456"}
    )
    assert bad.json()["ok"] is False
    assert call(client, REGISTERED, {"uscc": unit.uscc}).json() == {"ok": True, "registered": True}
    assert call(client, REGISTERED, {"uscc": "91110000802100433B"}).json() == {
        "ok": True,
        "registered": False,
    }


@pytest.mark.django_db
def test_each_hall_has_a_budget_of_calls(client: Client, settings: Any) -> None:
    settings.YIBAO_FEDERATION_VERIFY_PER_MINUTE = 2
    for _ in range(2):
        assert call(client, REGISTERED, {"uscc": "91110000802100433B"}).status_code == 200
    over = call(client, REGISTERED, {"uscc": "91110000802100433B"})
    assert over.status_code == 429 and int(over["Retry-After"]) > 0
    assert call(client, VERIFY, {"kind": "unit", "identifier": "x", "password": "y"}).status_code == 429


@pytest.mark.django_db
def test_the_national_lockout_counts_per_end_user(client: Client) -> None:
    unit = UnitFactory.create()
    assert unit.account is not None
    wrong = {
        "kind": "unit",
        "identifier": unit.account.username,
        "password": "Wrong123456",
        "client_ip": "10.1.1.1",
    }
    answers = [call(client, VERIFY, wrong).json() for _ in range(5)]
    assert answers[-1]["code"] == "login.locked"
    right = {**wrong, "password": "Yibao2026test"}
    assert call(client, VERIFY, right).json()["code"] == "login.locked"  # the account stays locked
