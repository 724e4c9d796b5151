"""Liveness and readiness (/ops/health/): public, cheap, and saying nothing but ok/unavailable."""

from __future__ import annotations

import json

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["sms", "default"]}}


def ready(client: Client) -> tuple[int, dict]:
    response = client.get("/ops/health/ready/")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, json.loads(response.content)


@pytest.mark.django_db
def test_liveness_touches_nothing(client: Client) -> None:
    with CaptureQueriesContext(connections["default"]) as queries:
        response = client.get("/ops/health/live/")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert len(queries) == 0
    assert "sessionid" not in response.cookies


@pytest.mark.django_db(transaction=True)
def test_ready_when_database_cache_and_queue_answer(client: Client, settings) -> None:
    settings.TASKS = DATABASE_TASKS
    status, body = ready(client)
    assert status == 200
    assert body == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "task_queue": "ok"}}


@pytest.mark.django_db(transaction=True)
def test_not_ready_when_the_cache_is_unreachable(client: Client, settings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    status, body = ready(client)
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert "127.0.0.1" not in json.dumps(body)  # nothing about the failure itself


@pytest.mark.django_db(transaction=True)
def test_not_ready_when_the_task_queue_table_is_unreachable(client: Client, settings, monkeypatch) -> None:
    settings.TASKS = DATABASE_TASKS
    monkeypatch.setattr(DBTaskResult._meta, "db_table", "no_such_task_table")
    status, body = ready(client)
    assert status == 503
    assert body["checks"] == {"database": "ok", "cache": "ok", "task_queue": "unavailable"}


@pytest.mark.django_db(transaction=True)
def test_not_ready_when_the_database_is_unreachable(client: Client, monkeypatch) -> None:
    from django.db import OperationalError

    def refused(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr(type(connections["default"]), "temporary_connection", refused)
    status, body = ready(client)
    assert status == 503
    assert body["checks"]["database"] == "unavailable"
    assert body["checks"]["task_queue"] == "ok"  # the immediate backend of the tests has nothing to reach


@pytest.mark.django_db
def test_probes_take_no_post(client: Client) -> None:
    assert client.post("/ops/health/live/").status_code == 405
    assert client.post("/ops/health/ready/").status_code == 405
