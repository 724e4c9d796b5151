"""What the operator layout shows on every page besides the page itself: the units for the
switcher (当前单位) and the unread 系统通知 badge — one query, once per request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpRequest

from yibao.accounts.guards import hall_user
from yibao.notices.selectors import operator_unread_count, operator_unread_count_expression
from yibao.operators.models import Binding
from yibao.units.models import Unit

_REQUEST_ATTR = "_yibao_hall_frame"


@dataclass(frozen=True)
class HallFrame:
    units: Sequence[Unit]  # the units the operator is actively bound to, by name (id and name only)
    unread_messages: int


def hall_frame_load(*, user_id: int) -> HallFrame:
    """The units with the unread count on each row (a scalar subquery, computed once); an operator
    bound nowhere any more gets the count by itself."""
    units = list(
        Unit.objects.filter(bindings__operator__user_id=user_id, bindings__status=Binding.Status.ACTIVE)
        .only("id", "name")
        .annotate(unread_messages=operator_unread_count_expression(user_id=user_id))
        .order_by("name", "pk")
    )
    if not units:
        return HallFrame(units=[], unread_messages=operator_unread_count(user_id=user_id))
    return HallFrame(units=units, unread_messages=units[0].unread_messages or 0)


def operator_hall_frame(request: HttpRequest) -> HallFrame:
    """The frame of this request's operator, loaded the first time a template asks for it."""
    frame: HallFrame | None = getattr(request, _REQUEST_ATTR, None)
    if frame is None:
        frame = hall_frame_load(user_id=hall_user(request).pk)
        setattr(request, _REQUEST_ATTR, frame)
    return frame
