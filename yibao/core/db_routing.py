"""A read replica for the query pages (DESIGN §7; DEPLOY.md).

With DATABASE_REPLICA_URL set, settings add the database alias `replica` and this router. Reads
made inside a view marked `replica_reads` (the 查询服务 and 缴费信息查询 pages: lists a unit
reads back, which tolerate the replica's lag of a second or so) go to the replica; everything else
goes to the primary: every write, every read outside those views (guards, sign-in, forms that
write, background tasks), and any read inside a transaction on the primary (a page that writes an
audit event and reads back sees its own write).

Mark the view below its guard, so that the guard's access checks still read the primary:

    @grant_required("roster")
    @replica_reads
    def roster(request): ...

Exports are built by the task worker (yibao/exports), outside any such view: on the primary.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

REPLICA = "replica"
View = TypeVar("View", bound=Callable[..., Any])

_replica_reads: ContextVar[bool] = ContextVar("yibao_replica_reads", default=False)


def replica_reads(view: View) -> View:
    """Let the view's reads go to the replica (when one is configured)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = _replica_reads.set(True)
        try:
            return view(*args, **kwargs)
        finally:
            _replica_reads.reset(token)

    return cast(View, wrapper)


class ReplicaRouter:
    """Reads of `replica_reads` views to the replica unless the primary is in a transaction;
    writes and migrations to the primary only."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if not _replica_reads.get() or REPLICA not in connections.databases:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
