"""POST /api/internal/institutions/: token, throttling, limits, file and JSON bodies, idempotency,
all or nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from yibao.catalog.models import Institution
from yibao.catalog.tests.sync_helpers import HOSPITAL_CODE, PHARMACY_CODE, feed_csv, hospital, pharmacy
from yibao.core.models import AuditEvent

pytestmark = pytest.mark.django_db
TOKEN = "inst-feed-token-for-tests-Lm3Qx8Rt5Vw2Yz7Bc4Nd9Fg6"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(autouse=True)
def token(settings: Any) -> None:
    settings.YIBAO_INTERNAL_API_TOKEN = TOKEN
    settings.YIBAO_INTERNAL_API_FAILURES_PER_IP = 3


def url() -> str:
    return reverse("catalog-api:institutions")


def post_file(client: Client, body: bytes, name: str = "feed.csv", **headers: str) -> Any:
    return client.post(url(), {"file": SimpleUploadedFile(name, body)}, headers=headers or AUTH)


def post_json(client: Client, payload: Any) -> Any:
    return client.post(url(), json.dumps(payload), content_type="application/json", headers=AUTH)


def records() -> list[tuple[Any, ...]]:
    return list(Institution.objects.order_by("code").values_list())


def test_refused_without_the_right_token_and_nothing_changes(client: Client) -> None:
    body = feed_csv([hospital()])
    for headers in ({"Authorization": "Bearer nope"}, {"Authorization": f"Token {TOKEN}"}):
        response = post_file(client, body, **headers)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert client.post(url(), {"file": SimpleUploadedFile("f.csv", body)}).status_code == 401
    assert Institution.objects.count() == 0


def test_wrong_tokens_are_throttled_even_the_right_one_after(client: Client) -> None:
    for _ in range(3):
        assert post_file(client, b"x", **{"Authorization": "Bearer guess"}).status_code == 401
    blocked = post_file(client, feed_csv([hospital()]))
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    assert Institution.objects.count() == 0


def test_off_while_no_token_is_configured(client: Client, settings: Any) -> None:
    settings.YIBAO_INTERNAL_API_TOKEN = ""
    assert post_file(client, feed_csv([hospital()])).status_code == 404


def test_a_file_synced_twice_changes_nothing_the_second_time(client: Client) -> None:
    body = feed_csv([hospital(), pharmacy()])
    first = post_file(client, body)
    assert first.status_code == 200
    assert first.json() == {"ok": True, "rows": 2, "created": 2, "updated": 0, "unchanged": 0,
                            "deactivated": 0, "error_count": 0, "errors": []}  # fmt: skip
    before = records()
    second = post_file(client, body)
    assert second.status_code == 200 and (second.json()["created"], second.json()["unchanged"]) == (0, 2)
    assert records() == before
    event = AuditEvent.objects.filter(action="catalog.institutions.sync").latest("pk")
    assert event.after["source"] == "feed.csv" and event.ip_address == "127.0.0.1"


def test_json_rows_with_a_bad_row_are_refused_whole(client: Client) -> None:
    rows = [hospital(), pharmacy(fix_blng_admdvs="530199"), pharmacy(fixmedins_code="P530102", vali_flag="x")]
    response = post_json(client, {"rows": rows})
    assert response.status_code == 422
    answer = response.json()
    assert answer["ok"] is False and answer["created"] == 0
    assert [(e["line"], e["column"]) for e in answer["errors"]] == [
        (2, "定点所属行政区划"),
        (3, "定点医药机构编号"),
        (3, "有效标志"),
    ]
    assert Institution.objects.count() == 0
    good = post_json(client, {"rows": [hospital(), pharmacy()]})
    assert good.status_code == 200 and good.json()["created"] == 2


def test_an_update_through_the_api_shows_on_the_public_page(client: Client, get_page) -> None:
    post_json(client, {"rows": [hospital(), pharmacy()]})
    renamed = pharmacy(fixmedins_name="一心堂药业（五华区翠湖店）", addr="云南省昆明市五华区翠湖南路5号",
                       updt_time="2026-04-10 10:00:00")  # fmt: skip
    answer = post_json(client, {"rows": [renamed]}).json()
    assert (answer["updated"], answer["unchanged"]) == (1, 0)
    listed = get_page("/catalog/pharmacies/?name=翠湖").get_text()
    assert "一心堂药业（五华区翠湖店）" in listed
    detail = get_page(f"/catalog/pharmacies/{PHARMACY_CODE}/").get_text()
    assert "云南省昆明市五华区翠湖南路5号" in detail and "2026-04-10 10:00" in detail
    assert Institution.objects.get(code=HOSPITAL_CODE).name.startswith("昆明市西山区")


def test_bodies_that_cannot_be_read(client: Client, settings: Any) -> None:
    assert client.post(url(), "{oops", content_type="application/json", headers=AUTH).status_code == 400
    deep = "[" * 40 + "]" * 40
    response = client.post(url(), deep, content_type="application/json", headers=AUTH)
    assert response.status_code == 400 and "嵌套层数" in response.json()["message"]
    response = post_json(client, {"rows": [{"fixmedins_code": HOSPITAL_CODE, "star": 5}]})
    assert response.status_code == 400 and "未约定的字段 star" in response.json()["message"]
    assert post_file(client, b"a", name="feed.txt").status_code == 400
    assert client.post(url(), {}, headers=AUTH).status_code == 400  # multipart without the file
    assert client.post(url(), "a,b", content_type="text/plain", headers=AUTH).status_code == 415
    settings.YIBAO_INTERNAL_API_MAX_BYTES = 200
    assert post_json(client, {"rows": [hospital()]}).status_code == 413
    assert post_file(client, feed_csv([hospital()])).status_code == 413
    assert client.get(url(), headers=AUTH).status_code == 405
    assert Institution.objects.count() == 0
