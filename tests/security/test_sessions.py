"""Login sessions end after an absolute lifetime; what a logged-in user sees is never cached."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client

from yibao.core.middleware import STARTED_KEY
from yibao.core.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
HOME = "/hall/unit/"  # 单位管理首页


@pytest.fixture
def admin_client(client: Client) -> Client:
    account = UnitFactory.create().account
    assert account is not None
    client.force_login(account)
    return client


def test_a_session_ends_after_its_absolute_lifetime_however_active(
    admin_client: Client, settings: Any
) -> None:
    settings.YIBAO_SESSION_MAX_SECONDS = 3600
    assert admin_client.get(HOME).status_code == 200
    session = admin_client.session
    session[STARTED_KEY] = int(time.time()) - 3599
    session.save()
    assert admin_client.get(HOME).status_code == 200  # still within the lifetime
    session = admin_client.session
    session[STARTED_KEY] = int(time.time()) - 3601
    session.save()
    response = admin_client.get(HOME)
    assert (response.status_code, response["Location"]) == (302, HOME)
    assert "_auth_user_id" not in admin_client.session
    followed = admin_client.get(HOME)
    assert followed.status_code == 302 and "login" in followed["Location"]


def test_pages_of_a_logged_in_user_are_not_stored(admin_client: Client) -> None:
    cache_control = admin_client.get(HOME)["Cache-Control"]
    assert {"no-store", "private"} <= {part.strip() for part in cache_control.split(",")}


def test_public_pages_stay_cacheable(client: Client) -> None:
    assert "no-store" not in client.get("/").get("Cache-Control", "")


def test_a_form_posted_after_the_lifetime_is_not_repeated(admin_client: Client, settings: Any) -> None:
    settings.YIBAO_SESSION_MAX_SECONDS = 3600
    admin_client.get(HOME)
    session = admin_client.session
    session[STARTED_KEY] = int(time.time()) - 3601
    session.save()
    response = admin_client.post("/hall/unit/info/", {"address": "x"})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert "_auth_user_id" not in admin_client.session
