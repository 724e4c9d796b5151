"""manage.py sms_dispatch_recover: send the SMS whose task never came or whose worker is gone.

Run when a task worker starts (`scripts/run_hall.sh`) and every few minutes from cron: a message
still queued past its lease (the enqueue failed while Redis was away, or the worker was killed
mid-send) is enqueued again; one killed on its last attempt is marked failed (see
`yibao.accounts.sms_dispatch`). Idempotent: a second run finds nothing to do.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yibao.accounts.sms_dispatch import sms_dispatches_recover


class Command(BaseCommand):
    help = "重新发送中断的短信：超过租约仍未发送的短信重新排队（可重复执行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = sms_dispatches_recover()
        self.stdout.write(
            self.style.SUCCESS(f"短信：重新排队{counts['enqueued']}条，标记发送失败{counts['failed']}条")
        )
