"""The one way to reach a message named in a URL."""

from __future__ import annotations

from django.http import Http404

from yibao.notices.mailboxes import Mailbox
from yibao.notices.models import Message


def access_message(*, mailbox: Mailbox, message_id: int) -> Message:
    """A message of this mailbox, or 404 — the same answer whether it is missing or another's."""
    message = mailbox.messages().select_related("unit").filter(pk=message_id).first()
    if message is None:
        raise Http404
    return message
