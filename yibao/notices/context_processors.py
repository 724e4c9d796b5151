"""The unread count behind the hall navs' badges (我的消息), computed only when shown."""

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


def unit_admin_unread(request: HttpRequest) -> int:
    """The unread 我的消息 of a unit admin (0 for anyone else). The operators' context processor
    (`yibao.operators.context_processors.unread`) wraps it in a LazyCount with the operator's
    系统通知 count, which needs the operators' hall frame."""
    user = request.user
    if not user.is_authenticated or getattr(user, "kind", None) != User.Kind.UNIT:
        return 0
    unit = getattr(request, "unit", None)  # set by unit_admin_required: no join needed
    if unit is not None:
        return message_unread_count(mailbox=Mailbox.of_unit(unit))
    return unit_admin_unread_count(user_id=user.pk)
