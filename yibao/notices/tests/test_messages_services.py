"""Sending and marking messages read; reading them through mailboxes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yibao.core.tests.factories import BindingFactory, OperatorFactory, UnitFactory
from yibao.notices.mailboxes import Mailbox
from yibao.notices.models import Message
from yibao.notices.selectors import (
    ReadStatus,
    message_list,
    message_unread_count,
    operator_unread_count,
    unit_admin_unread_count,
)
from yibao.notices.services import message_mark_read, message_send, messages_mark_all_read

pytestmark = pytest.mark.django_db


def titles(messages) -> list[str]:
    return [m.title for m in messages]


def test_send_to_a_unit_lands_in_the_unit_mailbox_only() -> None:
    unit = UnitFactory.create()
    binding = BindingFactory.create(unit=unit)
    message_send(unit=unit, title="资质认证已通过", category=Message.Category.CERTIFICATION)

    assert titles(message_list(mailbox=Mailbox.of_unit(unit))) == ["资质认证已通过"]
    assert titles(message_list(mailbox=Mailbox.of_operator(binding.operator))) == []


def test_message_to_an_operator_naming_a_unit_is_the_operators_only() -> None:
    binding = BindingFactory.create()
    message_send(unit=binding.unit, operator=binding.operator, title="您已被授权")

    assert titles(message_list(mailbox=Mailbox.of_operator(binding.operator))) == ["您已被授权"]
    assert titles(message_list(mailbox=Mailbox.of_unit(binding.unit))) == []
    assert message_unread_count(mailbox=Mailbox.of_unit(binding.unit)) == 0


def test_send_needs_a_recipient() -> None:
    with pytest.raises(ValueError, match="unit or an operator"):
        message_send(title="无人接收")
    assert Message.objects.count() == 0


def test_list_is_newest_first_and_filters_by_category_and_status() -> None:
    unit = UnitFactory.create()
    old = message_send(unit=unit, title="旧消息", category=Message.Category.REVIEW)
    Message.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    message_send(unit=unit, title="新消息", category=Message.Category.SYSTEM)
    read = message_send(unit=unit, title="已读消息", category=Message.Category.REVIEW)
    message_mark_read(message=read)
    mailbox = Mailbox.of_unit(unit)

    assert titles(message_list(mailbox=mailbox)) == ["已读消息", "新消息", "旧消息"]
    assert titles(message_list(mailbox=mailbox, category=Message.Category.REVIEW)) == ["已读消息", "旧消息"]
    assert titles(message_list(mailbox=mailbox, status=ReadStatus.UNREAD)) == ["新消息", "旧消息"]
    assert titles(message_list(mailbox=mailbox, status=ReadStatus.READ)) == ["已读消息"]
    assert titles(
        message_list(mailbox=mailbox, category=Message.Category.REVIEW, status=ReadStatus.UNREAD)
    ) == ["旧消息"]


def test_mark_read_keeps_the_first_read_time() -> None:
    operator = OperatorFactory.create()
    message = message_send(operator=operator, title="密码已重置")

    assert message_mark_read(message=message) is True
    first = Message.objects.get(pk=message.pk).read_at
    assert first is not None
    assert message.read_at == first

    again = Message.objects.get(pk=message.pk)
    assert message_mark_read(message=again) is False
    assert Message.objects.get(pk=message.pk).read_at == first


def test_mark_read_of_a_stale_copy_reads_the_stored_time() -> None:
    operator = OperatorFactory.create()
    message = message_send(operator=operator, title="通知")
    stale = Message.objects.get(pk=message.pk)
    message_mark_read(message=message)

    assert message_mark_read(message=stale) is False
    assert stale.read_at == Message.objects.get(pk=message.pk).read_at


def test_mark_all_read_touches_only_the_mailbox() -> None:
    binding = BindingFactory.create()
    other = UnitFactory.create()
    for n in range(3):
        message_send(unit=binding.unit, title=f"单位消息{n}")
    message_send(unit=binding.unit, operator=binding.operator, title="经办人消息")
    message_send(unit=other, title="其他单位消息")

    assert messages_mark_all_read(mailbox=Mailbox.of_unit(binding.unit)) == 3
    assert messages_mark_all_read(mailbox=Mailbox.of_unit(binding.unit)) == 0
    assert message_unread_count(mailbox=Mailbox.of_unit(binding.unit)) == 0
    assert message_unread_count(mailbox=Mailbox.of_operator(binding.operator)) == 1
    assert message_unread_count(mailbox=Mailbox.of_unit(other)) == 1


def test_unread_counts_by_login() -> None:
    binding = BindingFactory.create()
    message_send(unit=binding.unit, title="单位消息")
    message_send(unit=binding.unit, title="单位消息二")
    message_send(operator=binding.operator, title="经办人消息")
    message_send(operator=OperatorFactory.create(), title="别人的消息")

    account_id = binding.unit.account_id
    assert account_id is not None
    assert unit_admin_unread_count(user_id=account_id) == 2
    assert operator_unread_count(user_id=binding.operator.user_id) == 1
