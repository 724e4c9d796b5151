"""Sending messages (我的消息 / 系统通知). Other apps call `message_send` after their change commits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from yibao.notices.models import Message

if TYPE_CHECKING:
    from yibao.operators.models import Operator
    from yibao.units.models import Unit


def message_send(
    *,
    title: str,
    body: str = "",
    unit: Unit | None = None,
    operator: Operator | None = None,
    category: str = Message.Category.SYSTEM,
) -> Message:
    """Store a message for the unit (its admin's 我的消息) or for an operator (系统通知).

    With both given, the message goes to the operator and names the unit it concerns.
    """
    if unit is None and operator is None:
        raise ValueError("a message needs a unit or an operator")
    return Message.objects.create(
        unit=unit, operator=operator, category=category, title=title, body=body, created_at=timezone.now()
    )
