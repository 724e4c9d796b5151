"""`unread_messages`: counted lazily, in one query, for the nav badges; and the staff admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from tests.pagecheck import check_page
from yibao.core.tests.factories import BindingFactory, OperatorFactory, UnitFactory, staff_login
from yibao.notices.services import message_send
from yibao.operators.context_processors import unread
from yibao.operators.session import CURRENT_UNIT_KEY

pytestmark = pytest.mark.django_db


def request_for(user, **attributes):
    request = RequestFactory().get("/")
    request.user = user
    for name, value in attributes.items():
        setattr(request, name, value)
    return request


def test_nothing_is_counted_until_a_template_reads_it(django_assert_num_queries) -> None:
    binding = BindingFactory.create()
    message_send(operator=binding.operator, title="通知")
    with django_assert_num_queries(0):
        context = unread(request_for(binding.operator.user))
    with django_assert_num_queries(1):
        assert int(context["unread_messages"]) == 1
        assert str(context["unread_messages"]) == "1"  # counted once


def test_unit_admin_counts_its_units_unread_unit_messages(django_assert_num_queries) -> None:
    binding = BindingFactory.create()
    unit = binding.unit
    message_send(unit=unit, title="一")
    message_send(unit=unit, title="二")
    message_send(unit=unit, operator=binding.operator, title="经办人的")
    message_send(unit=UnitFactory.create(), title="别的单位")
    read = message_send(unit=unit, title="已读")
    from yibao.notices.services import message_mark_read

    message_mark_read(message=read)
    with django_assert_num_queries(1):
        assert int(unread(request_for(unit.account))["unread_messages"]) == 2
    with django_assert_num_queries(1):  # with the guard's request.unit: no join
        assert int(unread(request_for(unit.account, unit=unit))["unread_messages"]) == 2


def test_operator_counts_its_own_unread(django_assert_num_queries) -> None:
    binding = BindingFactory.create()
    message_send(operator=binding.operator, unit=binding.unit, title="一")
    message_send(operator=binding.operator, title="二")
    message_send(operator=OperatorFactory.create(), title="别人的")
    message_send(unit=binding.unit, title="单位的")
    with django_assert_num_queries(1):
        assert int(unread(request_for(binding.operator.user))["unread_messages"]) == 2


def test_anonymous_and_staff_count_nothing(staff_user, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert int(unread(request_for(AnonymousUser()))["unread_messages"]) == 0
        assert int(unread(request_for(staff_user))["unread_messages"]) == 0


def test_operator_hall_nav_shows_the_badge(client) -> None:
    binding = BindingFactory.create()
    message_send(operator=binding.operator, title="通知")
    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit.pk
    session.save()
    soup = check_page(client.get("/hall/"))
    link = soup.select_one('nav.hall__nav a[href="/hall/account/notifications/"]')
    assert link.get_text(" ", strip=True) == "系统通知 1"
    assert link.select_one(".badge")["aria-label"] == "未读 1 条"


def test_unit_home_nav_shows_the_badge(client) -> None:
    unit = UnitFactory.create()
    message_send(unit=unit, title="消息")
    client.force_login(unit.account)
    soup = check_page(client.get("/hall/unit/"))
    link = soup.select_one('nav.hall__nav a[href="/hall/messages/"]')
    assert link.get_text(" ", strip=True) == "我的消息 1"


def test_staff_admin_lists_messages_read_only(client, django_user_model) -> None:
    admin = django_user_model.objects.create_superuser(username="root", password="Root2026xx", kind="staff")
    unit = UnitFactory.create()
    message = message_send(unit=unit, title="资质认证已通过")
    staff_login(client, admin)
    response = client.get("/admin/notices/message/")
    assert response.status_code == 200
    assert "资质认证已通过" in response.content.decode()
    assert client.get("/admin/notices/message/?read_at__isempty=1&category=system").status_code == 200
    assert client.get("/admin/notices/message/add/").status_code == 403
    assert client.post(f"/admin/notices/message/{message.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"/admin/notices/message/{message.pk}/change/").status_code == 200
