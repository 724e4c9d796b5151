"""Liveness and readiness of a web process, for the load balancer and the orchestrator.

- `/ops/health/live/`: the process answers. Touches nothing else (no database, no cache, no
  session), so a database outage never makes the orchestrator restart healthy web processes.
- `/ops/health/ready/`: the process can serve: the database answers `SELECT 1`, the cache
  stores and reads a value, the task queue is reachable (the database backend's queue table,
  an RQ backend's Redis). 503 while any is not, so the load balancer sends no traffic here.

The checks come from django-health-check (Database, Cache) and one of ours for the task queue,
which the library has none of for django-tasks. Both pages are public and say only "ok" or
"unavailable" per check: what failed and why goes to the log (the library logs it with the
request id), not to an anonymous caller. Neither page reads the session or sets a cookie.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db import Error as DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from django_tasks import task_backends
from django_tasks.backends.dummy import DummyBackend
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db.backend import DatabaseBackend
from health_check import Cache, Database, HealthCheck
from health_check.exceptions import ServiceUnavailable
from redis.exceptions import RedisError

from yibao.core.guards import public_view


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """The task backend `alias` can take work: the database backend's table answers a query; an
    RQ backend's (django-tasks-rq) Redis answers PING for each of its queues; the immediate and
    dummy backends (tests) have nothing to reach."""

    alias: str = "default"

    def run(self) -> None:
        backend = task_backends[self.alias]
        if isinstance(backend, DatabaseBackend):
            self._database_queue_probe()
        elif hasattr(backend, "_get_queues"):
            self._rq_queues_probe(backend)
        elif not isinstance(backend, ImmediateBackend | DummyBackend):
            raise ServiceUnavailable(f"no probe for the task backend {type(backend).__name__}")

    @staticmethod
    def _database_queue_probe() -> None:
        from django_tasks_db.models import DBTaskResult

        try:
            # in the check's own thread: open a connection for the probe and close it after
            with connections[DEFAULT_DB_ALIAS].temporary_connection():
                list(DBTaskResult.objects.order_by().values_list("pk", flat=True)[:1])
        except DatabaseError as error:
            raise ServiceUnavailable("task queue table unreachable") from error

    @staticmethod
    def _rq_queues_probe(backend: Any) -> None:
        try:
            for queue in backend._get_queues():
                queue.connection.ping()
        except RedisError as error:
            raise ServiceUnavailable("task queue Redis unreachable") from error


READINESS_CHECKS: dict[str, HealthCheck] = {
    "database": Database(),
    "cache": Cache(),
    "task_queue": TaskQueue(),
}


def _json(body: dict[str, Any], status: int) -> HttpResponse:
    response = HttpResponse(json.dumps(body), content_type="application/json", status=status)
    add_never_cache_headers(response)
    return response


async def _readiness() -> dict[str, bool]:
    results = await asyncio.gather(*(check.get_result() for check in READINESS_CHECKS.values()))
    return {name: result.error is None for name, result in zip(READINESS_CHECKS, results, strict=True)}


@public_view
@require_safe
def liveness(request: HttpRequest) -> HttpResponse:
    return _json({"status": "ok"}, 200)


@public_view
@require_safe
def readiness(request: HttpRequest) -> HttpResponse:
    results = asyncio.run(_readiness())
    ready = all(results.values())
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": {name: "ok" if ok else "unavailable" for name, ok in results.items()},
    }
    return _json(body, 200 if ready else 503)
