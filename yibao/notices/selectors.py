from __future__ import annotations

from enum import StrEnum

from django.db.models import F, Func, IntegerField, QuerySet, Subquery
from django.utils import timezone

from yibao.notices.mailboxes import Mailbox, Owner
from yibao.notices.models import Message, Notice


def notice_list_published() -> QuerySet[Notice]:
    return Notice.objects.filter(is_published=True, published_at__lte=timezone.now())


def notice_next_publication_seconds() -> int | None:
    """Seconds until the next notice scheduled for later goes public (None: none is), so that a
    cached portal page is not kept past it."""
    now = timezone.now()
    upcoming = (
        Notice.objects.filter(is_published=True, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return None if upcoming is None else int((upcoming - now).total_seconds()) + 1


def notice_list_latest(*, limit: int = 5) -> list[Notice]:
    return list(notice_list_published().only("id", "title", "published_at")[:limit])


class ReadStatus(StrEnum):
    """The 状态 filter of the message lists."""

    ALL = ""
    UNREAD = "unread"
    READ = "read"


def message_list(*, mailbox: Mailbox, category: str = "", status: str = ReadStatus.ALL) -> QuerySet[Message]:
    """A mailbox's messages, newest first, optionally of one category and read status.

    The list shows no body, so it is left out; an operator's messages bring the unit they name.
    """
    messages = mailbox.messages()
    if category:
        messages = messages.filter(category=category)
    if status == ReadStatus.UNREAD:
        messages = messages.filter(read_at__isnull=True)
    elif status == ReadStatus.READ:
        messages = messages.filter(read_at__isnull=False)
    if mailbox.owner is Owner.OPERATOR:
        messages = messages.select_related("unit").only(
            "id", "category", "title", "created_at", "read_at", "unit__id", "unit__name"
        )
    else:
        messages = messages.only("id", "category", "title", "created_at", "read_at")
    return messages.order_by("-created_at", "-id")


def message_unread_count(*, mailbox: Mailbox) -> int:
    """One COUNT over the mailbox's unread messages (served by the read_at indexes)."""
    return mailbox.messages().filter(read_at__isnull=True).count()


def unit_admin_unread_count(*, user_id: int) -> int:
    """Unread 我的消息 of the unit whose admin account this is, in one query (for the nav badge)."""
    return Message.objects.filter(
        unit__account_id=user_id, operator__isnull=True, read_at__isnull=True
    ).count()


def _operator_unread(user_id: int) -> QuerySet[Message]:
    return Message.objects.filter(operator__user_id=user_id, read_at__isnull=True)


def operator_unread_count(*, user_id: int) -> int:
    """Unread 系统通知 of the operator with this login, in one query (for the nav badge)."""
    return _operator_unread(user_id).count()


def operator_unread_count_expression(*, user_id: int) -> Subquery:
    """The same count as a scalar subquery, for a query that fetches something else for the same
    page (the hall frame's unit list). Not correlated to the outer rows: computed once."""
    counted = _operator_unread(user_id).order_by().annotate(unread=Func(F("pk"), function="COUNT"))
    return Subquery(counted.values("unread"), output_field=IntegerField())
