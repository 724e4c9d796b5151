"""Versioned cache entries: what a page keeps in the cache carries the versions of the records it
was built from, and the services that change those records bump the versions after they commit.

A version is a random token kept in the cache without expiry (`version_key(scope, id)`), not a
counter: a bump is one SET, and a version lost to eviction is replaced by a new token, so an
entry stamped before the loss never matches again. Readers take the versions *before* they read
the database (`versions_read`), so a change committed while they build the entry leaves it
stamped with the old version: the next request rebuilds it.

Services bump (DESIGN §4: no signals) at once and again in `transaction.on_commit`: after the first
bump a concurrent request may still cache the rows before the commit under the new version, which
the second bump drops.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.cache import cache
from django.db import transaction

PREFIX = "v1:version:"


class Scope:
    """What a version covers. One constant per kind of record the cached pages depend on."""

    HALL = "hall"  # the business catalogue and anything an administrator edits by hand
    UNIT = "unit"  # one unit: its record, role certifications, bindings and grants
    USER = "user"  # one hall user: the operator's record, bindings, messages
    MAILBOX = "mailbox"  # one mailbox's messages (系统通知 of an operator, 我的消息 of a unit)
    NOTICES = "notices"  # 公告 (the portal page)
    CATALOG = "catalog"  # the public catalogues


def version_key(scope: str, ident: object = "") -> str:
    return f"{PREFIX}{scope}:{ident}"


def _token() -> str:
    return secrets.token_hex(8)


def versions_read(keys: Iterable[str]) -> dict[str, str]:
    """The current version of each key; a missing one is created first (one round trip when all
    exist, which is every request but the first after a bump or an eviction)."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, Any] = cache.get_many(wanted)
    missing = [key for key in wanted if key not in found]
    for key in missing:
        cache.add(key, _token(), timeout=None)
    if missing:
        found.update(cache.get_many(missing))
    return {key: str(found.get(key, "")) for key in wanted}


def versions_match(stamp: Mapping[str, str]) -> bool:
    """Whether an entry stamped with `stamp` is still current (one round trip)."""
    if not stamp:
        return False
    current = cache.get_many(list(stamp))
    return all(current.get(key) == value for key, value in stamp.items())


def versions_bump_now(keys: Iterable[str]) -> None:
    cache.set_many({key: _token() for key in keys}, timeout=None)


def versions_bump(*keys: str) -> None:
    """New versions for `keys` now and again once the current transaction commits (once outside
    one): the first makes entries stale at once (also where the commit never comes, a test's
    transaction), the second drops what a concurrent request cached from the rows before the
    commit under the first one."""
    chosen = list(dict.fromkeys(keys))
    if not chosen:
        return
    versions_bump_now(chosen)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: versions_bump_now(chosen))


def hall_unit_changed(*unit_ids: int) -> None:
    """A unit's record, roles, bindings or grants changed: its operators' hall frames go stale."""
    versions_bump(*(version_key(Scope.UNIT, pk) for pk in unit_ids))


def hall_user_changed(*user_ids: int) -> None:
    """A hall user's record, bindings or messages changed: that user's hall frames go stale."""
    versions_bump(*(version_key(Scope.USER, pk) for pk in user_ids))


def hall_changed() -> None:
    """The business catalogue (or a record an administrator edited by hand): every hall frame."""
    versions_bump(version_key(Scope.HALL))


def mailbox_changed(owner: str, owner_id: int) -> None:
    """A message was sent to, or read in, a mailbox: the badge of its hall frames is stale."""
    versions_bump(version_key(Scope.MAILBOX, f"{owner}:{owner_id}"))


def notices_changed() -> None:
    versions_bump(version_key(Scope.NOTICES))


def catalog_changed() -> None:
    versions_bump(version_key(Scope.CATALOG))


class HallRecordsAdmin:
    """Mixin of the Django admin pages that edit what the hall frame keeps (units, operators,
    bindings, the business catalogue): an edit saved or deleted there makes every hall frame stale
    (`hall_changed`), since the admin writes the rows without the services."""

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        hall_changed()

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        hall_changed()

    def delete_model(self, request: Any, obj: Any) -> None:
        super().delete_model(request, obj)  # type: ignore[misc]
        hall_changed()

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        hall_changed()
