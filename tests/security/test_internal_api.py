"""The internal API under attack: deep JSON, token guessing, weak tokens."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from yibao.core.json_body import JsonBodyError, json_body_parse

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "Xq8vN2pL5rT9wK3mB7cF1hJ6dG4sA0zY8uE2iO5nR7t"  # 43 characters, many distinct
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(autouse=True)
def token(settings: Any) -> None:
    settings.YIBAO_INTERNAL_API_TOKEN = TOKEN
    settings.YIBAO_INTERNAL_API_FAILURES_PER_IP = 5


def feed() -> str:
    return reverse("contributions-api:feed")


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [20, 100_000])
def test_deeply_nested_json_is_refused_with_400_not_500(client: Client, depth: int) -> None:
    body = "[" * depth + "]" * depth
    response = client.post(feed(), body, content_type="application/json", headers=AUTH)
    assert response.status_code == 400
    assert response.json()["message"] == "请求内容的嵌套层数超过16层"


def test_shallow_json_parses_and_depth_counts_objects_and_arrays() -> None:
    assert json_body_parse(b'{"rows": [{"a": [1, 2]}]}') == {"rows": [{"a": [1, 2]}]}
    with pytest.raises(JsonBodyError):
        json_body_parse(b'{"a": {"b": [[{"c": 1}]]}}', max_depth=4)
    with pytest.raises(JsonBodyError, match="不是有效的"):
        json_body_parse(b"\xff{")


@pytest.mark.django_db
def test_wrong_tokens_are_throttled_per_address_even_the_right_one_after(client: Client) -> None:
    for _ in range(5):
        assert client.post(feed(), {}, headers={"Authorization": "Bearer guess"}).status_code == 401
    blocked = client.post(feed(), {}, content_type="application/json", headers=AUTH)
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(feed(), "{}", content_type="application/json", headers=AUTH).status_code != 429


@pytest.mark.parametrize(
    ("token", "refused"),
    [("xyz", True), ("a" * 64, True), ("0123456789abcdef" * 2, True), (TOKEN, False)],
)
def test_a_weak_token_stops_the_start(token: str, refused: bool) -> None:
    env = {**os.environ, "YIBAO_INTERNAL_API_TOKEN": token, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode != 0) is refused, result.stderr[-500:]
    if refused:
        assert "YIBAO_INTERNAL_API_TOKEN is too weak" in result.stderr
