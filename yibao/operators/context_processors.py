"""What the hall layouts need on every page: the operator's units for the switcher, and the
unread count of the nav badge (系统通知 of an operator, 我的消息 of a unit admin)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from yibao.accounts.models import User
from yibao.notices.context_processors import LazyCount, unit_admin_unread
from yibao.operators.hall_frame import operator_hall_frame


class _Hall:
    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @property
    def units(self) -> Sequence[Any]:
        return operator_hall_frame(self.request).units


def hall(request: HttpRequest) -> dict[str, object]:
    """`hall.units` is computed only when a template reads it (the operator layout does), in the
    same query as the operator's unread badge (`yibao.operators.hall_frame`)."""
    return {"hall": SimpleLazyObject(lambda: _Hall(request))}


def _unread_count(request: HttpRequest) -> int:
    user = request.user
    if user.is_authenticated and getattr(user, "kind", None) == User.Kind.OPERATOR:
        return operator_hall_frame(request).unread_messages  # with the layout's unit list, in one query
    return unit_admin_unread(request)


def unread(request: HttpRequest) -> dict[str, LazyCount]:
    """`unread_messages`, counted (one COUNT query) only when a template reads it; a view that has
    counted already passes its own `unread_messages`, which wins over this one."""
    return {"unread_messages": LazyCount(lambda: _unread_count(request))}
