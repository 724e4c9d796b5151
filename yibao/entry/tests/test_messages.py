"""我的消息 (unit admin) and 系统通知 (operator) through the test client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.pagecheck import check_page, visible_text
from yibao.core.tests.factories import BindingFactory, OperatorFactory, UnitFactory
from yibao.notices.models import Message
from yibao.notices.services import message_send
from yibao.operators.session import CURRENT_UNIT_KEY

pytestmark = pytest.mark.django_db

UNIT_LIST = "/hall/messages/"
UNIT_READ_ALL = "/hall/messages/read-all/"
OPERATOR_LIST = "/hall/account/notifications/"
OPERATOR_READ_ALL = "/hall/account/notifications/read-all/"
# session, user, unit or operator, COUNT for the pages, COUNT of unread (shared with the nav
# badge), the page of messages; and the session's save (savepoint, update, release).
LIST_QUERIES = 9


def unit_detail(message: Message) -> str:
    return f"/hall/messages/{message.pk}/"


def operator_detail(message: Message) -> str:
    return f"/hall/account/notifications/{message.pk}/"


def row_titles(soup) -> list[str]:
    return [a.get_text(strip=True) for a in soup.select(".message-table tbody td:first-child a")]


def badge(soup) -> str | None:
    found = soup.select_one("nav.hall__nav .badge")
    return found.get_text(strip=True) if found else None


def unread_flag(message: Message) -> bool:
    return Message.objects.get(pk=message.pk).read_at is None


@pytest.fixture
def binding():
    return BindingFactory.create()


@pytest.fixture
def unit(binding):
    return binding.unit


@pytest.fixture
def unit_admin(client: Client, unit) -> Client:
    client.force_login(unit.account)
    return client


@pytest.fixture
def operator_client(client: Client, binding) -> Client:
    client.force_login(binding.operator.user)
    return client


# --- 我的消息 ------------------------------------------------------------------------------


def test_unit_list_shows_unread_first_marks_and_count(unit_admin, unit, binding) -> None:
    older = message_send(unit=unit, title="资质认证已通过", category=Message.Category.CERTIFICATION)
    Message.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(hours=1))
    message_send(unit=unit, title="新增经办人成功", category=Message.Category.OPERATOR)
    read = message_send(unit=unit, title="已读的消息")
    Message.objects.filter(pk=read.pk).update(
        created_at=timezone.now() - timedelta(days=1), read_at=timezone.now()
    )
    message_send(unit=unit, operator=binding.operator, title="给经办人的消息")
    message_send(unit=UnitFactory.create(), title="其他单位的消息")

    soup = check_page(unit_admin.get(UNIT_LIST))

    assert soup.title.get_text(strip=True).startswith("我的消息")
    assert soup.h1.get_text(strip=True) == "我的消息"
    assert row_titles(soup) == ["新增经办人成功", "资质认证已通过", "已读的消息"]
    statuses = [td.get_text(strip=True) for td in soup.select(".message-table tbody td:last-child")]
    assert statuses == ["未读", "未读", "已读"]
    assert len(soup.select(".message-row--unread")) == 2
    assert "您有 2 条未读消息" in visible_text(soup)
    assert badge(soup) == "2"
    headers = [th.get_text(strip=True) for th in soup.select(".message-table thead th")]
    assert headers == ["标题", "消息类型", "发送时间", "状态"]
    assert soup.find("button", string="全部标为已读") is not None
    assert (
        soup.select_one('nav.hall__nav a[aria-current="page"]')
        .get_text(" ", strip=True)
        .startswith("我的消息")
    )


def test_unit_list_is_paginated_by_twenty(unit_admin, unit, django_assert_max_num_queries) -> None:
    now = timezone.now()
    Message.objects.bulk_create(
        Message(unit=unit, title=f"消息{n:02d}", created_at=now - timedelta(minutes=n)) for n in range(25)
    )
    with django_assert_max_num_queries(LIST_QUERIES):
        soup = check_page(unit_admin.get(UNIT_LIST))
    assert row_titles(soup)[:2] == ["消息00", "消息01"]
    assert len(row_titles(soup)) == 20
    assert "第 1 页，共 2 页" in visible_text(soup)
    assert badge(soup) == "25"

    with django_assert_max_num_queries(LIST_QUERIES):
        soup = check_page(unit_admin.get(UNIT_LIST + "?status=unread&page=2"))
    assert row_titles(soup) == [f"消息{n}" for n in range(20, 25)]
    assert soup.select_one("a[rel=prev]")["href"] == "?status=unread&page=1"


def test_unit_list_filters(unit_admin, unit) -> None:
    message_send(unit=unit, title="审核结果", category=Message.Category.REVIEW)
    message_send(unit=unit, title="系统通知", category=Message.Category.SYSTEM)
    opened = message_send(unit=unit, title="已打开的审核结果", category=Message.Category.REVIEW)
    check_page(unit_admin.get(unit_detail(opened)))

    soup = check_page(unit_admin.get(UNIT_LIST + "?category=review&status=unread"))
    assert row_titles(soup) == ["审核结果"]
    assert soup.select_one("#message-filter-category option[selected]")["value"] == "review"
    assert soup.select_one("#message-filter-status option[selected]")["value"] == "unread"
    assert "您有 2 条未读消息" in visible_text(soup)  # the count is of all unread, not the filtered

    assert row_titles(check_page(unit_admin.get(UNIT_LIST + "?status=read"))) == ["已打开的审核结果"]
    # A value that is not a choice counts as 全部.
    assert len(row_titles(check_page(unit_admin.get(UNIT_LIST + "?category=nope&status=x")))) == 3


def test_filter_form_is_labelled_get_and_novalidate(unit_admin) -> None:
    soup = check_page(unit_admin.get(UNIT_LIST))
    form = soup.select_one("form.filter-bar")
    assert form["method"] == "get"
    assert form.has_attr("novalidate")
    labels = [label.get_text(strip=True) for label in form.select("label")]
    assert labels == ["消息类型", "状态"]
    options = [o.get_text(strip=True) for o in form.select("#message-filter-status option")]
    assert options == ["全部", "未读", "已读"]


def test_unit_list_empty(unit_admin) -> None:
    soup = check_page(unit_admin.get(UNIT_LIST))
    assert "暂无消息" in visible_text(soup)
    assert "没有未读消息" in visible_text(soup)
    assert soup.find("button", string="全部标为已读") is None
    assert badge(soup) is None


def test_unit_detail_marks_read_and_the_badge_drops(unit_admin, unit) -> None:
    first = message_send(
        unit=unit, title="角色认证已通过", body="第一段。\n\n第二段。", category="certification"
    )
    message_send(unit=unit, title="另一条")

    soup = check_page(unit_admin.get(unit_detail(first)))

    assert soup.h1.get_text(strip=True) == "角色认证已通过"
    assert [p.get_text() for p in soup.select(".article__body p")] == ["第一段。", "第二段。"]
    text = visible_text(soup)
    assert "消息类型 认证结果" in text
    assert "发送时间" in text
    assert soup.find("a", string="返回列表")["href"] == UNIT_LIST
    assert not unread_flag(first)
    assert badge(soup) == "1"
    soup = check_page(unit_admin.get(UNIT_LIST))
    assert [td.get_text(strip=True) for td in soup.select(".message-table tbody td:last-child")] == [
        "未读",
        "已读",
    ]


def test_unit_read_all(unit_admin, unit, binding) -> None:
    messages = [message_send(unit=unit, title=f"消息{n}") for n in range(3)]
    theirs = message_send(unit=unit, operator=binding.operator, title="经办人的")

    response = unit_admin.post(UNIT_READ_ALL)

    assert response.status_code == 302
    assert response["Location"] == UNIT_LIST
    soup = check_page(unit_admin.get(UNIT_LIST))
    assert "已将全部消息标为已读" in visible_text(soup)
    assert not any(unread_flag(m) for m in messages)
    assert unread_flag(theirs)
    assert badge(soup) is None


def test_read_all_only_by_post(unit_admin, operator_client, unit) -> None:
    message = message_send(unit=unit, title="消息")
    assert unit_admin.get(UNIT_READ_ALL).status_code == 405
    assert unread_flag(message)


# --- 系统通知 ------------------------------------------------------------------------------


def test_operator_list_without_a_chosen_unit(operator_client, binding, django_assert_max_num_queries) -> None:
    message_send(operator=binding.operator, unit=binding.unit, title="您已被授权", category="operator")
    message_send(operator=binding.operator, title="密码已重置")
    message_send(operator=OperatorFactory.create(), title="别人的通知")
    message_send(unit=binding.unit, title="单位的消息")

    with django_assert_max_num_queries(LIST_QUERIES):
        soup = check_page(operator_client.get(OPERATOR_LIST))

    assert soup.h1.get_text(strip=True) == "系统通知"
    assert row_titles(soup) == ["密码已重置", "您已被授权"]
    assert [td.get_text(strip=True) for td in soup.select(".message-table tbody td:nth-child(3)")] == [
        "—",
        binding.unit.name,
    ]
    assert "个人中心 > 系统通知" in visible_text(soup.select_one(".breadcrumbs"))
    assert badge(soup) == "2"
    assert (
        soup.select_one('nav.hall__nav a[aria-current="page"]')
        .get_text(" ", strip=True)
        .startswith("系统通知")
    )


def test_operator_list_with_a_chosen_unit(operator_client, binding) -> None:
    session = operator_client.session
    session[CURRENT_UNIT_KEY] = binding.unit.pk
    session.save()
    message_send(operator=binding.operator, title="通知")
    assert row_titles(check_page(operator_client.get(OPERATOR_LIST))) == ["通知"]


def test_operator_list_paginated(operator_client, binding, django_assert_max_num_queries) -> None:
    now = timezone.now()
    Message.objects.bulk_create(
        Message(
            operator=binding.operator,
            unit=binding.unit,
            title=f"通知{n:02d}",
            created_at=now - timedelta(minutes=n),
        )
        for n in range(21)
    )
    with django_assert_max_num_queries(LIST_QUERIES):
        soup = check_page(operator_client.get(OPERATOR_LIST + "?page=2"))
    assert row_titles(soup) == ["通知20"]


def test_operator_detail_and_read_all(operator_client, binding) -> None:
    first = message_send(
        operator=binding.operator, unit=binding.unit, title="您已被授权", body="可办理参保登记。"
    )
    second = message_send(operator=binding.operator, title="密码已重置")

    soup = check_page(operator_client.get(operator_detail(first)))
    assert soup.h1.get_text(strip=True) == "您已被授权"
    assert f"相关单位 {binding.unit.name}" in visible_text(soup)
    assert soup.find("a", string="返回列表")["href"] == OPERATOR_LIST
    assert not unread_flag(first)
    assert badge(soup) == "1"

    response = operator_client.post(OPERATOR_READ_ALL)
    assert response["Location"] == OPERATOR_LIST
    assert not unread_flag(second)
    assert badge(check_page(operator_client.get("/hall/account/"))) is None


def test_account_page_links_notifications_with_the_badge(operator_client, binding) -> None:
    message_send(operator=binding.operator, title="通知")
    soup = check_page(operator_client.get("/hall/account/"))
    link = soup.select_one(f'nav.hall__nav a[href="{OPERATOR_LIST}"]')
    assert link.get_text(" ", strip=True) == "系统通知 1"


# --- access -------------------------------------------------------------------------------


def test_unit_admin_cannot_open_another_units_message(unit_admin) -> None:
    other = message_send(unit=UnitFactory.create(), title="其他单位的消息")
    check_page(unit_admin.get(unit_detail(other)), status=404)
    check_page(unit_admin.get("/hall/messages/999999/"), status=404)
    assert unread_flag(other)


def test_unit_admin_cannot_open_an_operator_message_naming_the_unit(unit_admin, unit, binding) -> None:
    theirs = message_send(unit=unit, operator=binding.operator, title="经办人的")
    check_page(unit_admin.get(unit_detail(theirs)), status=404)
    assert unread_flag(theirs)


def test_operator_cannot_open_another_operators_message(operator_client, binding) -> None:
    other = message_send(operator=OperatorFactory.create(), unit=binding.unit, title="别人的")
    unit_message = message_send(unit=binding.unit, title="单位的")
    check_page(operator_client.get(operator_detail(other)), status=404)
    check_page(operator_client.get(operator_detail(unit_message)), status=404)
    assert unread_flag(other)
    assert unread_flag(unit_message)


def test_read_all_of_another_mailbox_is_not_reachable(operator_client, binding) -> None:
    theirs = message_send(unit=binding.unit, title="单位的")
    assert operator_client.post(UNIT_READ_ALL).status_code == 403
    assert unread_flag(theirs)


@pytest.mark.parametrize(
    "url", [UNIT_LIST, "/hall/messages/1/", OPERATOR_LIST, "/hall/account/notifications/1/"]
)
def test_anonymous_is_sent_to_log_in(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/hall/login/?next=")


@pytest.mark.parametrize("url", [UNIT_READ_ALL, OPERATOR_READ_ALL])
def test_anonymous_read_all_changes_nothing(client, unit, url) -> None:
    message = message_send(unit=unit, title="消息")
    assert client.post(url).status_code == 302
    assert unread_flag(message)


def test_operator_cannot_open_unit_pages(operator_client, unit) -> None:
    message = message_send(unit=unit, title="单位的")
    check_page(operator_client.get(UNIT_LIST), status=403)
    check_page(operator_client.get(unit_detail(message)), status=403)
    assert unread_flag(message)


def test_unit_admin_cannot_open_operator_pages(unit_admin, binding) -> None:
    message = message_send(operator=binding.operator, title="经办人的")
    check_page(unit_admin.get(OPERATOR_LIST), status=403)
    check_page(unit_admin.get(operator_detail(message)), status=403)
    assert unit_admin.post(OPERATOR_READ_ALL).status_code == 403
    assert unread_flag(message)


def test_staff_cannot_open_either(client, staff_user) -> None:
    client.force_login(staff_user)
    assert client.get(UNIT_LIST).status_code == 403
    assert client.get(OPERATOR_LIST).status_code == 403
