"""The queries of the hall's main pages, pinned (issue 19 item 4): a page that starts to issue
more fails here, with the queries it made.

Each page is fetched once to warm what a running site keeps warm (code tables, the region index),
then the versions of the cached pages and hall frames are bumped and the page is fetched twice:

- `first`: the page's own cache entry cold — a public page after a notice was published or a
  catalogue loaded, a hall page whose frame must be built again (binding, items in force,
  switcher and badge), as on the first request of a login;
- `again`: the same page at once: the public page and the hall frame come from the cache.

The session's own queries are not counted (the database session backend reads and refreshes it
on every request; with REDIS_URL, production's setting, it makes none). On PostgreSQL the catalogue
search adds its planner setting and a savepoint (`catalog.search.search_planning`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yibao.cases.models import Application, ReviewerRegion, Status
from yibao.cases.types import application_type
from yibao.catalog.models import Drug
from yibao.catalog.services import catalog_entry_save
from yibao.core.cache_versions import Scope, version_key, versions_bump_now
from yibao.core.tests.factories import (
    BindingFactory,
    InsuranceFactory,
    NoticeFactory,
    UserFactory,
    grant,
    operator_login,
    staff_login,
)
from yibao.operators.models import Binding

pytestmark = pytest.mark.django_db

POSTGRES_EXTRA = {"catalogue search": 3}  # SET LOCAL for the planner, its savepoint and release


@dataclass(frozen=True)
class Pin:
    first: int
    again: int


# The one table of pins: (first, again) queries, not counting the session's.
PINS: dict[str, Pin] = {
    "portal": Pin(first=2, again=0),  # the latest notices, the next one scheduled
    "catalogue search": Pin(first=2, again=0),  # the bounded count and the page
    "login": Pin(first=1, again=1),  # the 图形验证码 stored
    # user; the frame (binding, items in force, switcher + badge) when built; 我的信用 (roles,
    # rules, level, contributions); the tiles' grants and catalogue; 我的待办件
    "operator home": Pin(first=16, again=13),
    "roster": Pin(first=8, again=5),  # user; the frame when built; 管理人群, the count, the page
    "contribution query": Pin(first=6, again=3),  # user; the frame when built; 管理人群, the months
    "review page": Pin(first=6, again=6),  # staff: user, OTP device, the application and its parts
    "unit admin home": Pin(first=10, again=10),  # user, unit, roles, 我的信用, notices, 我的消息
}


def _session_query(sql: str) -> bool:
    return any(word in sql for word in ("django_session", "SAVEPOINT", "RELEASE SAVEPOINT"))


def _count(fetch: Callable[[], Any]) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200, response.status_code
    queries = [q["sql"] for q in captured.captured_queries if not _session_query(q["sql"])]
    return len(queries), queries


def _world() -> dict[str, Any]:
    binding: Binding = grant(
        BindingFactory.create(), "roster", "unit-contributions", "case-records", "unit-certificate"
    )
    for _ in range(3):
        InsuranceFactory.create(unit=binding.unit)
    NoticeFactory.create_batch(3)
    for n in range(25):
        catalog_entry_save(entry=Drug(
            code=f"XJ01CAA001B00101{n:02d}{n:05d}", name=f"阿莫西林胶囊{n}", dosage_form="胶囊剂", spec="0.25g",
            manufacturer="云岭制药有限公司", approval_no="国药准字H20003263", category=Drug.Category.A,
        ), actor=None)  # fmt: skip
    reviewer = UserFactory.create(is_staff=True, username="shenhe-pins")
    ReviewerRegion.objects.create(reviewer=reviewer, division_id="530000")
    kind = application_type("unit-key-info-change")
    application = Application.objects.create(
        number="SQ2026120400000009", type_code=kind.code, unit=binding.unit,
        division_id=binding.unit.division_id, operator=binding.operator, payload={},
        before=kind.current_values(binding.unit, {}), status=Status.SUBMITTED,
        submitted_at=timezone.now() - datetime.timedelta(hours=1),
    )  # fmt: skip
    return {"binding": binding, "reviewer": reviewer, "application": application}


PAGES: dict[str, str] = {
    "portal": "/",
    "catalogue search": "/catalog/drugs/?name=amxl",
    "login": "/hall/login/",
    "operator home": "/hall/",
    "roster": "/hall/queries/roster/",
    "contribution query": "/hall/contributions/unit/",
    "review page": "/agency/applications/{application}/",
    "unit admin home": "/hall/unit/",
}


def _client_for(page: str, world: dict[str, Any]) -> Client:
    client = Client()
    if page in {"operator home", "roster", "contribution query"}:
        operator_login(client, world["binding"])
    elif page == "review page":
        staff_login(client, world["reviewer"])
    elif page == "unit admin home":
        client.force_login(world["binding"].unit.account)
    return client


@pytest.mark.parametrize("page", list(PAGES))
def test_the_main_pages_stay_within_their_pinned_queries(page: str) -> None:
    world = _world()
    url = PAGES[page].format(application=world["application"].pk)
    client = _client_for(page, world)
    assert client.get(url).status_code == 200  # code tables and the like cached, as on a running site
    versions_bump_now([version_key(scope) for scope in (Scope.HALL, Scope.NOTICES, Scope.CATALOG)])
    pin = PINS[page]
    extra = POSTGRES_EXTRA.get(page, 0) if connection.vendor == "postgresql" else 0

    first, queries = _count(lambda: client.get(url))
    assert first <= pin.first + extra, f"{page}: {first} queries > {pin.first}:\n" + "\n".join(queries)
    again, queries = _count(lambda: client.get(url))
    assert again <= pin.again + (extra if pin.again else 0), (
        f"{page} again: {again} queries > {pin.again}:\n" + "\n".join(queries)
    )
