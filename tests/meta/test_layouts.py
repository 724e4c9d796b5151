"""The three base layouts render a complete, valid page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import RequestFactory

from tests.pagecheck import check_html, visible_text


def render(layout: str, user: object, **context: object) -> str:
    request = RequestFactory().get("/")
    request.user = user  # type: ignore[assignment]
    template = engines["django"].from_string(
        f'{{% extends "{layout}" %}}{{% block title %}}测试页{{% endblock %}}'
        "{% block content %}<h1>正文</h1>{% endblock %}"
    )
    return template.render({**context}, request)


@pytest.mark.django_db
def test_public_layout() -> None:
    soup = check_html(render("layouts/public.html", AnonymousUser()))
    assert soup.title.get_text() == "测试页 - 医疗保障公共服务平台"
    assert [a.get_text() for a in soup.select(".site-nav a")] == ["首页", "服务目录", "最新公告"]


@pytest.mark.django_db
def test_hall_layout_shows_the_current_unit_and_user(staff_user) -> None:
    class CurrentUnit:
        name = "昆明测试科技有限公司"

    soup = check_html(render("layouts/hall.html", staff_user, current_unit=CurrentUnit()))
    assert "单位网上服务大厅" in visible_text(soup.header)
    assert "昆明测试科技有限公司" in visible_text(soup.header)
    assert soup.select_one("nav.hall__nav") is not None
    assert soup.h1.get_text() == "正文"


@pytest.mark.django_db
def test_agency_layout_offers_logout(staff_user) -> None:
    soup = check_html(render("layouts/agency.html", staff_user))
    assert "经办机构工作台" in visible_text(soup.header)
    assert soup.find("button", string="退出登录") is not None
