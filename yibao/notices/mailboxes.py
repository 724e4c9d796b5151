"""Whose messages a page shows: a unit's (its admin's 我的消息) or an operator's (系统通知).

A unit's mailbox holds the messages sent to the unit with no operator; a message to an operator
that names a unit belongs to the operator only. Every read and write of messages starts from a
mailbox, so no query can reach another recipient's messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from django.db.models import QuerySet

from yibao.notices.models import Message


class Recipient(Protocol):
    """A unit or an operator as notices sees it: a stored row. Notices sits below the apps that
    own units and operators (they send messages), so it names neither."""

    pk: Any


class Owner(StrEnum):
    UNIT = "unit"
    OPERATOR = "operator"


@dataclass(frozen=True)
class Mailbox:
    owner: Owner
    owner_id: int

    @classmethod
    def of_unit(cls, unit: Recipient) -> Mailbox:
        return cls(Owner.UNIT, unit.pk)

    @classmethod
    def of_operator(cls, operator: Recipient) -> Mailbox:
        return cls(Owner.OPERATOR, operator.pk)

    def messages(self) -> QuerySet[Message]:
        """This mailbox's messages; the filters match the (unit, operator, read_at) and
        (operator, read_at) indexes."""
        if self.owner is Owner.OPERATOR:
            return Message.objects.filter(operator_id=self.owner_id)
        return Message.objects.filter(unit_id=self.owner_id, operator__isnull=True)
