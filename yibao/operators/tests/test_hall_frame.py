"""The operator hall's frame: what every hall page pays before its own work is kept in the cache
per user and unit, and whatever the services change in bindings, grants, roles, units and
messages reaches the next request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.pagecheck import check_page
from yibao.accounts.models import User
from yibao.core.audit import RequestOrigin
from yibao.core.cache_versions import hall_changed
from yibao.core.tests.factories import BindingFactory, OperatorFactory, UnitFactory, grant
from yibao.notices.models import Message
from yibao.notices.services import message_send
from yibao.operators.hall_frame import hall_frame_load
from yibao.operators.models import Binding, BusinessItem
from yibao.operators.services import operator_grants_set, operator_unbind
from yibao.operators.session import CURRENT_UNIT_KEY
from yibao.units.models import RoleCertification
from yibao.units.services import role_certification_review, unit_record_change

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


def test_a_hall_page_makes_the_frame_queries_once_then_only_its_own(client: Client) -> None:
    """办件记录查询 with no applications. The first request builds the frame: 1 user, 2 the active
    binding (unit, division, operator), 3 the items in force, 4 units of the switcher + unread
    badge, 5 the page's count. Later requests take the frame from the cache: the user and the
    page's count only."""
    binding = grant(BindingFactory.create(), "case-records")
    login(client, binding)
    with CaptureQueriesContext(connection) as first:
        assert client.get(reverse("cases:list")).status_code == 200
    assert len(page_queries(first)) == 5, "\n".join(page_queries(first))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    queries = page_queries(captured)
    assert len(queries) == 2, "\n".join(queries)


def test_the_roster_adds_one_population_query_to_the_frame(client: Client) -> None:
    binding = grant(BindingFactory.create(), "roster")
    login(client, binding)
    client.get(reverse("queries:roster"))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("queries:roster"))
    assert response.status_code == 200
    queries = page_queries(captured)
    assert len(queries) == 3, "\n".join(queries)


def unit_admin(binding: Binding) -> User:
    assert binding.unit.account is not None
    return binding.unit.account


def set_grants(binding: Binding, items: set[str]) -> None:
    operator_grants_set(
        unit=binding.unit, binding=binding, item_codes=items, population_codes={"in-service"} if items else set(),
        actor=unit_admin(binding), origin=RequestOrigin(),
    )  # fmt: skip


def test_revoking_and_granting_take_effect_on_the_next_request(client: Client) -> None:
    binding = grant(BindingFactory.create(), "roster")
    login(client, binding)
    url = reverse("queries:roster")
    assert client.get(url).status_code == 200  # the frame is cached now
    set_grants(binding, set())  # 权限管理: the unit admin takes the item away
    denied = client.get(url)
    assert denied.status_code == 403
    assert "权限管理" in check_page(denied, status=403).get_text()
    set_grants(binding, {"roster"})
    assert client.get(url).status_code == 200


def test_a_grant_given_outside_the_services_opens_its_page_at_once(client: Client) -> None:
    """An item missing from the cached frame is decided against the database."""
    binding = grant(BindingFactory.create(), "roster")
    login(client, binding)
    assert client.get(reverse("cases:list")).status_code == 403
    grant(binding, "case-records")
    assert client.get(reverse("cases:list")).status_code == 200


def test_unbinding_sends_the_operator_to_choose_a_unit(client: Client) -> None:
    binding = grant(BindingFactory.create(), "roster")
    BindingFactory.create(unit=binding.unit)  # the unit keeps an operator
    login(client, binding)
    assert client.get(reverse("queries:roster")).status_code == 200
    operator_unbind(
        unit=binding.unit, binding_id=binding.pk, actor=unit_admin(binding), origin=RequestOrigin()
    )
    response = client.get(reverse("queries:roster"))
    assert response.status_code == 302 and response["Location"] == reverse("entry:choose-unit")


def test_a_role_certification_decided_refuses_a_granted_item(client: Client) -> None:
    binding = grant(BindingFactory.create(), "roster")
    login(client, binding)
    assert client.get(reverse("queries:roster")).status_code == 200
    certification = RoleCertification.objects.get(unit=binding.unit)
    RoleCertification.objects.filter(pk=certification.pk).update(status=RoleCertification.Status.PENDING)
    reviewer = User.objects.create_user(
        username="shenhe-frame", password="x", kind=User.Kind.STAFF, is_staff=True
    )
    role_certification_review(
        certification=certification, approve=False, reason="材料不全", reviewer=reviewer
    )
    denied = client.get(reverse("queries:roster"))
    assert denied.status_code == 403
    assert "角色认证" in check_page(denied, status=403).get_text()


def test_an_admin_edit_of_the_catalogue_reaches_cached_frames(client: Client) -> None:
    binding = grant(BindingFactory.create(), "roster")
    login(client, binding)
    assert client.get(reverse("queries:roster")).status_code == 200
    BusinessItem.objects.filter(code="roster").update(is_active=False)
    hall_changed()  # what BusinessItemAdmin.save_model does after its save
    assert client.get(reverse("queries:roster")).status_code == 404


def test_a_message_sent_updates_the_cached_badge(client: Client) -> None:
    binding = grant(BindingFactory.create(), "roster")
    login(client, binding)
    assert check_page(client.get(reverse("queries:roster"))).select_one(".side-nav .badge") is None
    message_send(operator=binding.operator, unit=binding.unit, title="系统通知")
    assert check_page(client.get(reverse("queries:roster"))).select_one(".side-nav .badge").get_text() == "1"


def test_a_renamed_unit_shows_in_the_switcher_of_its_operators(client: Client) -> None:
    binding = grant(BindingFactory.create(), "roster")
    other = BindingFactory.create(operator=binding.operator)
    login(client, binding)
    client.get(reverse("queries:roster"))
    unit_record_change(unit_id=other.unit_id, values={"name": "改名后的单位"})
    soup = check_page(client.get(reverse("queries:roster")))
    assert "改名后的单位" in {option.get_text() for option in soup.select("#unit-switcher option")}


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
