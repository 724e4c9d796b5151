"""The read replica of the query pages (DATABASE_REPLICA_URL): a second database alias pointing at
the same database stands in for the replica, and the queries each alias receives are counted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yibao.core.db_routing import REPLICA, ReplicaRouter, replica_reads
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, grant, operator_login
from yibao.units.models import Unit

ROUTERS = ["yibao.core.db_routing.ReplicaRouter"]


@pytest.fixture
def replica() -> Iterator[str]:
    """The router on; the alias `replica` is the test settings' second alias on the test database
    (as the settings make one from DATABASE_REPLICA_URL)."""
    assert REPLICA in connections.databases
    with override_settings(DATABASE_ROUTERS=ROUTERS):
        yield REPLICA


@pytest.mark.django_db(transaction=True)  # no test transaction around it: the view's own counts
def test_the_router_sends_only_marked_reads_outside_transactions_to_the_replica(replica: str) -> None:
    router = ReplicaRouter()
    assert router.db_for_read(Unit) is None  # an unmarked read: the primary
    seen: dict[str, Any] = {}

    @replica_reads
    def view() -> None:
        seen["read"] = router.db_for_read(Unit)
        with transaction.atomic():
            seen["in transaction"] = router.db_for_read(Unit)

    view()
    assert seen == {"read": REPLICA, "in transaction": None}
    assert router.db_for_read(Unit) is None  # reset after the view
    assert router.db_for_write(Unit) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(REPLICA, "units") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "units") is True


def test_the_router_ignores_the_mark_without_a_replica(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(connections.databases, REPLICA)

    @replica_reads
    def view() -> str | None:
        return ReplicaRouter().db_for_read(Unit)

    assert view() is None


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_the_roster_reads_the_replica_and_its_guard_the_primary(reference_data: None, replica: str) -> None:
    binding = grant(BindingFactory.create(), "roster", "case-records")
    InsuranceFactory.create(unit=binding.unit)
    client = Client()
    operator_login(client, binding)
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as secondary,
    ):
        response = client.get(reverse("queries:roster"))
    assert response.status_code == 200
    assert binding.unit.name in response.content.decode()
    replica_sql = [q["sql"] for q in secondary.captured_queries]
    primary_sql = [q["sql"] for q in primary.captured_queries]
    assert any("enrollment_insurance" in sql for sql in replica_sql), replica_sql
    assert not any("enrollment_insurance" in sql for sql in primary_sql)
    # the guard (the hall frame: binding and grants) and the session read the primary
    assert any("operators_binding" in sql for sql in primary_sql)
    assert not any("operators_grant" in sql or "django_session" in sql for sql in replica_sql)

    # a page not marked (办件记录查询) reads the primary only
    with CaptureQueriesContext(connections[REPLICA]) as secondary:
        assert client.get(reverse("cases:list")).status_code == 200
    assert secondary.captured_queries == []
