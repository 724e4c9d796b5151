"""Login sessions end after an absolute lifetime and after the idle timeout (renewed by requests at
most once a minute); what a logged-in user sees is never cached."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from yibao.core.middleware import RENEWED_KEY, STARTED_KEY
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


# --- the idle timeout: renewed by requests, at most once a minute ------------------------------


def _renewed_by(response: Any, settings: Any) -> bool:
    """Whether the response saved the session with a fresh idle timeout (its cookie set again)."""
    cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
    if cookie is None:
        return False
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE
    return True


def test_a_request_renews_the_idle_timeout_once_its_last_renewal_is_a_minute_old(
    admin_client: Client, settings: Any
) -> None:
    settings.YIBAO_SESSION_RENEW_SECONDS = 60
    admin_client.get(HOME)  # the first page after the login renews
    assert not _renewed_by(admin_client.get(HOME), settings)  # within the minute: not again
    session = admin_client.session
    session[RENEWED_KEY] = int(time.time()) - 61
    session.save()
    assert _renewed_by(admin_client.get(HOME), settings)
    assert int(time.time()) - admin_client.session[RENEWED_KEY] <= 1


def test_an_idle_session_ends_after_the_idle_timeout(admin_client: Client, settings: Any) -> None:
    """With whichever session store is configured (the database here, Redis in CI's second run)."""
    settings.SESSION_COOKIE_AGE = 1
    assert admin_client.get(HOME).status_code == 200  # renewed: it now lives one idle second
    time.sleep(2.1)
    response = admin_client.get(HOME)
    assert response.status_code == 302 and "login" in response["Location"]


def test_no_session_is_started_for_a_visitor_or_an_expired_cookie(client: Client, settings: Any) -> None:
    response = client.get("/")
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32  # a session that is gone
    response = client.get("/")
    cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
    assert cookie is None or cookie.value == ""  # deleted, never a new session
    assert not Session.objects.exists()  # (the database store; Redis holds none either way)
