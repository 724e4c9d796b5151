"""Sending messages (我的消息 / 系统通知) and marking them read.

Other apps call `message_send` after their change commits. Marking read is the reader's own
bookkeeping, not a change to the unit's records, so it writes no audit event.
"""

from __future__ import annotations

from django.utils import timezone

from yibao.core.cache_versions import mailbox_changed
from yibao.notices.mailboxes import Mailbox, Owner, Recipient
from yibao.notices.models import Message


def message_send(
    *,
    title: str,
    body: str = "",
    unit: Recipient | None = None,
    operator: Recipient | None = None,
    category: str = Message.Category.SYSTEM,
) -> Message:
    """Store a message for the unit (its admin's 我的消息) or for an operator (系统通知).

    With both given, the message goes to the operator and names the unit it concerns.
    """
    if unit is None and operator is None:
        raise ValueError("a message needs a unit or an operator")
    message = Message.objects.create(
        unit_id=unit.pk if unit is not None else None,
        operator_id=operator.pk if operator is not None else None,
        category=category,
        title=title,
        body=body,
        created_at=timezone.now(),
    )
    _changed(message)
    return message


def _changed(message: Message) -> None:
    """The badge of the message's mailbox (kept in the operators' hall frame) is stale."""
    if message.operator_id is not None:
        mailbox_changed(Owner.OPERATOR, message.operator_id)
    elif message.unit_id is not None:
        mailbox_changed(Owner.UNIT, message.unit_id)


def message_mark_read(*, message: Message) -> bool:
    """Mark one message read (it keeps the time it was first read). True if it was unread.

    `message` comes from `access_message`, so it is the reader's own. One conditional UPDATE:
    two tabs opening the message at once cannot move the first read time.
    """
    if message.read_at is not None:
        return False
    now = timezone.now()
    changed = Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=now)
    if changed:
        message.read_at = now
        _changed(message)
    else:  # read in another tab a moment ago
        message.refresh_from_db(fields=["read_at"])
    return bool(changed)


def messages_mark_all_read(*, mailbox: Mailbox) -> int:
    """全部标为已读: mark every unread message of the mailbox read; return how many."""
    marked = mailbox.messages().filter(read_at__isnull=True).update(read_at=timezone.now())
    if marked:
        mailbox_changed(mailbox.owner, mailbox.owner_id)
    return marked
