"""The portal page and the public catalogues come from the cache until what they show changes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client, RequestFactory
from django.utils import timezone

from tests.pagecheck import check_page
from yibao.catalog.models import Drug
from yibao.catalog.services import catalog_entry_save
from yibao.core.tests.factories import NoticeFactory
from yibao.notices.models import Notice

pytestmark = pytest.mark.django_db


def test_the_portal_is_kept_until_a_notice_is_published_in_the_admin(admin_client: Client) -> None:
    NoticeFactory.create(title="医保年度缴费通知")
    visitor = Client()
    first = visitor.get("/")
    assert first["X-Page-Cache"] == "MISS" and "医保年度缴费通知" in first.content.decode()
    again = visitor.get("/")
    assert again["X-Page-Cache"] == "HIT" and again.content == first.content
    check_page(again)  # the page from the cache passes the same checks

    response = admin_client.post(
        "/admin/notices/notice/add/",
        {
            "title": "异地就医备案新规",
            "body": "正文",
            "published_at_0": timezone.localdate().isoformat(),
            "published_at_1": "00:00:00",
            "is_published": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    fresh = visitor.get("/")
    assert fresh["X-Page-Cache"] == "MISS" and "异地就医备案新规" in fresh.content.decode()


def test_a_notice_scheduled_for_later_limits_how_long_the_portal_is_kept(monkeypatch: Any) -> None:
    NoticeFactory.create(title="明天发布", published_at=timezone.now() + datetime.timedelta(seconds=30))
    kept: list[int] = []
    from django.core.cache import cache

    real_set = cache.set

    def spy(key: str, value: Any, timeout: Any = None, **kwargs: Any) -> Any:
        if key.startswith("v1:page:"):
            kept.append(timeout)
        return real_set(key, value, timeout, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    page = Client().get("/")
    assert "明天发布" not in page.content.decode()
    assert kept and 1 <= kept[0] <= 31


def test_a_flash_message_is_shown_and_that_page_not_kept(client: Client) -> None:
    """«登录已超过最长有效时间» and the like reach the portal as a flash message: that request is
    rendered afresh (the layout shows the message) and its page is not kept for others."""
    client.get("/")  # kept
    storage = CookieStorage(RequestFactory().get("/"))
    expired = [Message(constants.INFO, "登录已超过最长有效时间，请重新登录")]
    client.cookies["messages"] = storage._encode(expired)  # type: ignore[attr-defined]
    shown = client.get("/")
    assert "登录已超过最长有效时间" in shown.content.decode()
    assert "X-Page-Cache" not in shown
    after = client.get("/")
    assert after["X-Page-Cache"] == "HIT" and "登录已超过最长有效时间" not in after.content.decode()


def test_a_catalogue_page_is_kept_until_an_entry_changes() -> None:
    drug = catalog_entry_save(
        entry=Drug(
            code="XJ01CAA001B001010010000", name="阿莫西林胶囊", dosage_form="胶囊剂", spec="0.25g",
            manufacturer="云岭制药有限公司", approval_no="国药准字H20003263", category=Drug.Category.A,
        ),
        actor=None,
    )  # fmt: skip
    visitor = Client()
    url = "/catalog/drugs/?name=amxl"
    assert visitor.get(url)["X-Page-Cache"] == "MISS"
    assert visitor.get(url)["X-Page-Cache"] == "HIT"
    assert visitor.get("/catalog/drugs/?name=amxl&page=1")["X-Page-Cache"] == "MISS"  # another page
    assert isinstance(drug, Drug)
    drug.name = "阿莫西林胶囊（改）"
    catalog_entry_save(entry=drug, actor=None)
    fresh = visitor.get(url)
    assert fresh["X-Page-Cache"] == "MISS" and "阿莫西林胶囊（改）" in fresh.content.decode()


def test_a_notice_deleted_in_the_admin_leaves_the_portal(admin_client: Client) -> None:
    notice = NoticeFactory.create(title="将被删除的公告")
    assert "将被删除的公告" in Client().get("/").content.decode()
    response = admin_client.post(f"/admin/notices/notice/{notice.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Notice.objects.filter(pk=notice.pk).exists()
    assert "将被删除的公告" not in Client().get("/").content.decode()
