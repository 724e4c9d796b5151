"""POST /api/internal/contributions/: token, size limit, file and JSON bodies, idempotency."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yibao.contributions.feed_file import KEYS
from yibao.contributions.models import Contribution
from yibao.contributions.tests.helpers import contribution_world, feed_csv, row

pytestmark = pytest.mark.django_db
TOKEN = "feed-token-for-tests-Xq8vN2pL5rT9wK3mB7cF1hJ6"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(autouse=True)
def token(settings: Any) -> None:
    settings.YIBAO_INTERNAL_API_TOKEN = TOKEN


def url() -> str:
    return reverse("contributions-api:feed")


def counts() -> list[tuple[object, ...]]:
    return list(Contribution.objects.order_by("pk").values_list("unit_id", "person_id", "period", "base"))


def test_refuses_without_the_token_and_changes_nothing(client: Client) -> None:
    world = contribution_world(timezone.localdate())
    before = counts()
    body = feed_csv([row(world.binding.unit, world.workers[0], world.months[0], base="1.00")])
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": f"Token {TOKEN}"}):
        response = client.post(url(), {"file": SimpleUploadedFile("f.csv", body)}, headers=headers)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert counts() == before


def test_off_while_no_token_is_configured(client: Client, settings: Any) -> None:
    settings.YIBAO_INTERNAL_API_TOKEN = ""
    assert client.post(url(), {}, headers={"Authorization": "Bearer "}).status_code == 404


def test_file_import_is_idempotent(client: Client) -> None:
    world = contribution_world(timezone.localdate())
    unit, month = world.binding.unit, world.months[0]
    body = feed_csv([row(unit, p, month, base="6100.00") for p in world.workers])
    answers = [
        client.post(url(), {"file": SimpleUploadedFile("feed.csv", body)}, headers=AUTH).json()
        for _ in range(2)
    ]
    for answer in answers:
        assert answer == {"ok": True, "rows": 3, "inserted": 3, "deleted": answer["deleted"], "months": 1,
                          "units": 1, "errors": []}  # fmt: skip
    assert [a["deleted"] for a in answers] == [4, 3]  # the retiree's row went with the first import
    assert Contribution.objects.filter(unit=unit, period=month).count() == 3
    assert Contribution.objects.filter(unit=unit).count() == 11


def test_json_rows_with_bad_rows_are_refused_whole(client: Client) -> None:
    world = contribution_world(timezone.localdate())
    before = counts()
    good = dict(
        zip(KEYS, row(world.binding.unit, world.workers[0], world.months[0], base="1.00"), strict=True)
    )
    rows = [good, {**good, "certno": "110101199003070011"}, {**good, "clct_flag": "9"}]
    response = client.post(url(), json.dumps({"rows": rows}), content_type="application/json", headers=AUTH)
    assert response.status_code == 422
    answer = response.json()
    assert answer["ok"] is False and answer["inserted"] == 0
    assert [(e["line"], e["column"]) for e in answer["errors"]] == [(2, "证件号码"), (3, "到账状态")]
    assert counts() == before
    good_only = client.post(
        url(), json.dumps({"rows": [good]}), content_type="application/json", headers=AUTH
    )
    assert good_only.status_code == 200 and good_only.json()["inserted"] == 1


def test_unreadable_and_oversized_bodies(client: Client, settings: Any) -> None:
    response = client.post(url(), "{not json", content_type="application/json", headers=AUTH)
    assert response.status_code == 400
    response = client.post(
        url(), json.dumps({"rows": [{"nope": 1}]}), content_type="application/json", headers=AUTH
    )
    assert response.status_code == 400 and "未约定的字段" in response.json()["message"]
    response = client.post(url(), "a,b", content_type="text/plain", headers=AUTH)
    assert response.status_code == 415
    settings.YIBAO_INTERNAL_API_MAX_BYTES = 100
    response = client.post(
        url(), json.dumps({"rows": [{"emp_no": "x" * 200}]}), content_type="application/json", headers=AUTH
    )
    assert response.status_code == 413
    assert client.get(url(), headers=AUTH).status_code == 405
