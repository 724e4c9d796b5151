"""An outage of the database or Redis answers 503 «系统繁忙» with Retry-After, no traceback."""

from __future__ import annotations

import pytest
from django.test import Client
from django_redis.exceptions import ConnectionInterrupted

from tests.pagecheck import visible_text
from yibao.core.outage import outage_is

pytestmark = pytest.mark.urls("yibao.core.tests.outage_urls")


@pytest.fixture
def quiet_client() -> Client:
    """A client that gets the error page instead of the exception (as a browser does)."""
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("route", ["database", "connection", "redis"])
def test_a_view_hit_by_an_outage_answers_503_busy(quiet_client: Client, route: str) -> None:
    response = quiet_client.get(f"/outage/{route}/", HTTP_X_REQUEST_ID="req-outage-0001")
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert "<title>系统繁忙</title>" in html
    assert "系统繁忙，请稍后再试" in html
    assert "错误编号：req-outage-0001" in html
    assert "Traceback" not in html
    assert "administrator" not in html  # nothing of the error itself


def test_a_form_posted_into_an_outage_says_it_was_not_saved(quiet_client: Client) -> None:
    response = quiet_client.post("/outage/database/", {"name": "张三"})
    assert response.status_code == 503
    assert "您刚才提交的内容未能保存，请稍后返回上一页重新提交" in visible_text_of(response)


def visible_text_of(response) -> str:
    from bs4 import BeautifulSoup

    return visible_text(BeautifulSoup(response.content.decode(), "html.parser"))


def test_the_internal_api_gets_json() -> None:
    import json

    from django.db import OperationalError
    from django.test import RequestFactory

    from yibao.core.outage import outage_response

    response = outage_response(RequestFactory().get("/api/internal/contributions/"), OperationalError())
    assert response.status_code == 503
    assert json.loads(response.content) == {"ok": False, "message": "系统繁忙，请稍后再试"}


def test_a_bug_is_still_a_500_with_the_request_id(quiet_client: Client) -> None:
    response = quiet_client.get("/outage/bug/", HTTP_X_REQUEST_ID="req-bug-00000001")
    html = response.content.decode()
    assert response.status_code == 500
    assert "错误编号：req-bug-00000001" in html
    assert "ValueError" not in html and "Traceback" not in html


@pytest.mark.django_db
def test_an_outage_in_a_middleware_reaches_the_busy_page_too(
    quiet_client: Client, settings, monkeypatch, django_user_model
) -> None:
    """The session is read by the authentication middleware, before any view: the project's
    handler500 answers 503 there."""
    settings.SESSION_ENGINE = "yibao.core.sessions"
    user = django_user_model.objects.create_user(username="outage-user", password="x")
    quiet_client.force_login(user)
    from django.core.cache import cache

    def unreachable(*args, **kwargs):
        raise ConnectionInterrupted(connection=None)

    monkeypatch.setattr(cache, "get", unreachable)
    response = quiet_client.get("/outage/whoami/")
    assert response.status_code == 503
    assert "系统繁忙" in response.content.decode()


def test_what_counts_as_an_outage() -> None:
    from django.db import InterfaceError, OperationalError, ProgrammingError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import ResponseError

    assert outage_is(OperationalError()) and outage_is(InterfaceError())
    assert outage_is(RedisConnectionError()) and outage_is(ConnectionInterrupted(connection=None))
    assert not outage_is(ProgrammingError()) and not outage_is(ResponseError()) and not outage_is(None)
