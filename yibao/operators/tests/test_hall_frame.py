"""The operator hall's frame: what every hall page pays before its own work is pinned to a few
queries, and still re-checks binding, role and grant on every request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.pagecheck import check_page
from yibao.core.tests.factories import BindingFactory, OperatorFactory, UnitFactory, grant
from yibao.notices.models import Message
from yibao.operators.hall_frame import hall_frame_load
from yibao.operators.models import Binding, BusinessItem, Grant
from yibao.operators.session import CURRENT_UNIT_KEY
from yibao.units.models import RoleCertification

pytestmark = pytest.mark.django_db


def login(client: Client, binding: Binding) -> None:
    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit_id
    session.save()


def message(binding: Binding, *, read: bool = False) -> Message:
    return Message.objects.create(
        operator=binding.operator,
        unit=binding.unit,
        title="系统通知",
        created_at=timezone.now(),
        read_at=timezone.now() if read else None,
    )


def page_queries(captured: CaptureQueriesContext) -> list[str]:
    """The queries of a request but the session's own: with the database session backend the
    session is read and its idle-timeout refresh written (savepoint, update, release); with
    REDIS_URL (the PostgreSQL CI run) it lives in the cache and makes none."""
    session = ("django_session", "SAVEPOINT", "RELEASE SAVEPOINT")
    return [q["sql"] for q in captured.captured_queries if not any(word in q["sql"] for word in session)]


def test_a_hall_page_makes_the_frame_queries_and_its_own_only(client: Client) -> None:
    """办件记录查询 with no applications: 1 user, 2 binding + unit + operator + item + grant + role
    (the guard), 3 the page's count, 4 units of the switcher + unread badge."""
    binding = grant(BindingFactory.create(), "case-records")
    login(client, binding)
    client.get(reverse("cases:list"))  # first request of the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    queries = page_queries(captured)
    assert len(queries) == 4, "\n".join(queries)


def test_the_roster_adds_one_population_query_to_the_frame(client: Client) -> None:
    binding = grant(BindingFactory.create(), "roster")
    login(client, binding)
    client.get(reverse("queries:roster"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("queries:roster"))
    assert response.status_code == 200
    queries = page_queries(captured)
    assert len(queries) == 5, "\n".join(queries)


def test_revoking_and_granting_take_effect_on_the_next_request(client: Client) -> None:
    binding = grant(BindingFactory.create(), "roster")
    login(client, binding)
    url = reverse("queries:roster")
    assert client.get(url).status_code == 200
    Grant.objects.filter(binding=binding).delete()
    denied = client.get(url)
    assert denied.status_code == 403
    assert "权限管理" in check_page(denied, status=403).get_text()
    grant(binding, "roster")
    assert client.get(url).status_code == 200


def test_a_role_certification_withdrawn_refuses_a_granted_item(client: Client) -> None:
    binding = grant(BindingFactory.create(), "roster")
    login(client, binding)
    RoleCertification.objects.filter(unit=binding.unit).update(status=RoleCertification.Status.FAILED)
    denied = client.get(reverse("queries:roster"))
    assert denied.status_code == 403
    assert "角色认证" in check_page(denied, status=403).get_text()


def test_a_deactivated_item_is_not_found_even_when_granted(client: Client) -> None:
    binding = grant(BindingFactory.create(), "roster")
    login(client, binding)
    BusinessItem.objects.filter(code="roster").update(is_active=False)
    assert client.get(reverse("queries:roster")).status_code == 404


def test_a_grant_in_another_unit_does_not_open_the_current_one(client: Client) -> None:
    binding = BindingFactory.create()
    elsewhere = grant(BindingFactory.create(operator=binding.operator), "roster")
    login(client, binding)
    assert client.get(reverse("queries:roster")).status_code == 403
    Binding.objects.filter(pk=binding.pk).update(status=Binding.Status.UNBOUND)
    response = client.get(reverse("queries:roster"))
    assert response.status_code == 302 and response["Location"] == reverse("entry:choose-unit")
    login(client, elsewhere)
    assert client.get(reverse("queries:roster")).status_code == 200


def test_the_switcher_lists_the_bound_units_and_the_badge_counts_unread(client: Client) -> None:
    binding = grant(BindingFactory.create(), "roster")
    other = BindingFactory.create(operator=binding.operator)
    gone = BindingFactory.create(operator=binding.operator, status=Binding.Status.UNBOUND)
    message(binding)
    message(other)
    message(binding, read=True)
    login(client, binding)
    soup = check_page(client.get(reverse("queries:roster")))
    options = {option.get_text() for option in soup.select("#unit-switcher option")}
    assert options == {binding.unit.name, other.unit.name}
    assert gone.unit.name not in options
    assert soup.select_one("#unit-switcher option[selected]").get_text() == binding.unit.name
    assert soup.select_one(".side-nav .badge").get_text() == "2"


def test_an_operator_bound_nowhere_still_gets_the_unread_count() -> None:
    operator = OperatorFactory.create()
    unit = UnitFactory.create()
    Message.objects.create(operator=operator, unit=unit, title="解绑通知", created_at=timezone.now())
    frame = hall_frame_load(user_id=operator.user_id)
    assert frame.units == [] and frame.unread_messages == 1
