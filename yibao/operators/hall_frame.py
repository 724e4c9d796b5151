"""What every page of an operator at work pays before its own work: the active binding to the
current unit (the guards), the business items in force there (`grant_required`), the units for
the switcher (当前单位) and the unread 系统通知 badge.

It is kept in the cache per user and current unit (`hall_snapshot`), stamped with the versions
(`yibao.core.cache_versions`) of the business catalogue, the user, the current unit, every unit
in the switcher and the operator's mailbox. The services that change a binding, a grant, a role
certification, a unit or operator record, or a message bump those versions when they commit, so
the next request rebuilds the frame; the Django admin's edits bump the hall's version. A frame
also expires after FRAME_SECONDS, whatever happens.

What the cache answers is only the page guard's "let through?": the services and the background
workers ask `grants.grant_decide` against the database before they write, and an item that is not
in the cached frame is decided there too (so a new grant opens its page at once and the «无权限»
page says why from fresh rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import F
from django.http import HttpRequest

from yibao.accounts.guards import hall_user
from yibao.accounts.models import User
from yibao.core.cache_versions import Scope, version_key, versions_match, versions_read
from yibao.notices.selectors import operator_unread_count, operator_unread_count_expression
from yibao.operators.grants import binding_active_load, items_in_force_load
from yibao.operators.models import Binding, BusinessItem
from yibao.units.models import Unit

_REQUEST_ATTR = "_yibao_hall_frame"
FRAME_SECONDS = 300
PREFIX = "v1:hall-frame:"  # change "v1" whenever HallFrame changes shape: old pickles are then never read
CURRENT_UNIT_KEY = "yibao_current_unit"  # the session key of the unit the operator chose


@dataclass(frozen=True)
class HallFrame:
    units: Sequence[Unit]  # the units the operator is actively bound to, by name (id and name only)
    unread_messages: int
    # The active binding to the current unit (unit, division and operator; None when there is no
    # current unit or the binding ended) and the items in force there, by code.
    binding: Binding | None = None
    items: dict[str, BusinessItem] = field(default_factory=dict)
    operator_id: int | None = None


def hall_frame_load(*, user_id: int) -> HallFrame:
    """The units with the unread count on each row (a scalar subquery, computed once); an operator
    bound nowhere any more gets the count by itself."""
    units = list(
        Unit.objects.filter(bindings__operator__user_id=user_id, bindings__status=Binding.Status.ACTIVE)
        .only("id", "name")
        .annotate(
            unread_messages=operator_unread_count_expression(user_id=user_id),
            operator_pk=F("bindings__operator_id"),  # the binding joined by the filter above
        )
        .order_by("name", "pk")
    )
    if not units:
        return HallFrame(units=[], unread_messages=operator_unread_count(user_id=user_id))
    first = units[0]
    return HallFrame(units=units, unread_messages=first.unread_messages or 0, operator_id=first.operator_pk)


def _frame_key(user_id: int, unit_id: int | None) -> str:
    return f"{PREFIX}{user_id}:{unit_id or 0}"


def _mailbox_key(operator_id: int) -> str:
    return version_key(Scope.MAILBOX, f"operator:{operator_id}")


def _frame_build(
    *, user: User, unit_id: int | None, operator_id: int | None
) -> tuple[dict[str, str], HallFrame]:
    """The frame from the database, with the versions it was read under. The versions known
    before the reads are taken first (a change committed meanwhile leaves the stamp old); those
    learnt from the rows (the other units of the switcher; the mailbox on a first build) after."""
    first = [version_key(Scope.HALL), version_key(Scope.USER, user.pk)]
    if unit_id is not None:
        first.append(version_key(Scope.UNIT, unit_id))
    if operator_id is not None:
        first.append(_mailbox_key(operator_id))
    stamp = versions_read(first)
    binding = binding_active_load(user_id=user.pk, unit_id=unit_id) if unit_id is not None else None
    items = items_in_force_load(user=user, unit_id=binding.unit_id) if binding is not None else {}
    listed = hall_frame_load(user_id=user.pk)
    if binding is not None:
        operator_id = binding.operator_id
    elif listed.operator_id is not None:
        operator_id = listed.operator_id
    elif operator_id is None:  # bound nowhere any more: one more query
        operator_id = (
            Binding.objects.filter(operator__user_id=user.pk).values_list("operator_id", flat=True).first()
        )
    later = [version_key(Scope.UNIT, unit.pk) for unit in listed.units]
    if operator_id is not None:
        later.append(_mailbox_key(operator_id))
    stamp.update(versions_read(key for key in later if key not in stamp))
    frame = HallFrame(
        units=listed.units,
        unread_messages=listed.unread_messages,
        binding=binding,
        items=items,
        operator_id=operator_id,
    )
    return stamp, frame


def hall_snapshot(*, user: User, unit_id: int | None) -> HallFrame:
    """The operator's frame for the unit, from the cache while every version it was built under
    still holds (two cache round trips), else from the database (four queries) and kept."""
    key = _frame_key(user.pk, unit_id)
    entry = cache.get(key)
    if entry is not None and versions_match(entry["stamp"]):
        frame: HallFrame = entry["frame"]
    else:
        previous = entry["frame"].operator_id if entry is not None else None
        stamp, frame = _frame_build(user=user, unit_id=unit_id, operator_id=previous)
        cache.set(key, {"stamp": stamp, "frame": frame}, FRAME_SECONDS)
    if frame.binding is not None:
        frame.binding.operator.user = user  # the same row; the user is never kept in the cache
    return frame


def operator_hall_frame(request: HttpRequest) -> HallFrame:
    """The frame of this request's operator and current unit, once per request."""
    frame: HallFrame | None = getattr(request, _REQUEST_ATTR, None)
    if frame is None:
        session = getattr(request, "session", None)  # a request built by hand may have none
        unit_id = session.get(CURRENT_UNIT_KEY) if session is not None else None
        frame = hall_snapshot(user=hall_user(request), unit_id=unit_id if isinstance(unit_id, int) else None)
        setattr(request, _REQUEST_ATTR, frame)
    return frame
