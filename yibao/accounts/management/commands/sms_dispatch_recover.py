"""manage.py sms_dispatch_recover: send the SMS whose task never came or whose worker is gone,
give up the codes that expired unsent, and delete old rows.

Run when a task worker starts (`scripts/run_hall.sh`) and every few minutes from cron: a message
still queued past its lease (the enqueue failed while Redis was away, or the worker was killed
mid-send) is enqueued again; one killed on its last attempt is marked failed; a code still queued
past its expiry is marked failed and its text blanked; sent and failed rows finished more than
YIBAO_SMS_KEEP_DAYS ago are deleted (see `yibao.accounts.sms_dispatch`). Idempotent: a second run
finds nothing to do.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from yibao.accounts.sms_dispatch import sms_dispatches_recover


class Command(BaseCommand):
    help = (
        "重新发送中断的短信：超过租约仍未发送的短信重新排队，已过期的验证码短信不再发送，"
        "删除保留期已满的发送记录（可重复执行）。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = sms_dispatches_recover()
        self.stdout.write(
            self.style.SUCCESS(
                f"短信：重新排队{counts['enqueued']}条，标记发送失败{counts['failed']}条，"
                f"验证码已过期未发送{counts['expired']}条，"
                f"删除{settings.YIBAO_SMS_KEEP_DAYS}天前的发送记录{counts['deleted']}条"
            )
        )
