"""`unread_messages` for the hall navs' badges (我的消息 / 系统通知)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property, total_ordering

from django.http import HttpRequest

from yibao.accounts.models import User
from yibao.notices.mailboxes import Mailbox
from yibao.notices.selectors import message_unread_count, unit_admin_unread_count


@total_ordering
class LazyCount:
    """A number computed the first time it is used (shown, tested, compared), then kept."""

    def __init__(self, compute: Callable[[], int]) -> None:
        self._compute = compute

    @cached_property
    def value(self) -> int:
        return self._compute()

    def __int__(self) -> int:
        return self.value

    def __index__(self) -> int:
        return self.value

    def __bool__(self) -> bool:
        return bool(self.value)

    def __str__(self) -> str:
        return str(self.value)

    def __eq__(self, other: object) -> bool:
        return self.value == (other.value if isinstance(other, LazyCount) else other)

    def __lt__(self, other: object) -> bool:
        return self.value < int(other)  # type: ignore[call-overload]

    def __hash__(self) -> int:
        return hash(self.value)


def _count(request: HttpRequest) -> int:
    user = request.user
    if not user.is_authenticated:
        return 0
    kind = getattr(user, "kind", None)
    if kind == User.Kind.UNIT:
        unit = getattr(request, "unit", None)  # set by unit_admin_required: no join needed
        if unit is not None:
            return message_unread_count(mailbox=Mailbox.of_unit(unit))
        return unit_admin_unread_count(user_id=user.pk)
    if kind == User.Kind.OPERATOR:  # with the layout's unit list, in one query
        from yibao.operators.hall_frame import operator_hall_frame

        return operator_hall_frame(request).unread_messages
    return 0


def unread(request: HttpRequest) -> dict[str, LazyCount]:
    """Counted (one COUNT query) only when a template reads it; a view that has counted already
    passes its own `unread_messages`, which wins over this one."""
    return {"unread_messages": LazyCount(lambda: _count(request))}
