"""manage.py insurance_pauses_apply: store 暂停参保 on the relations whose 中断日期 has come.

Run daily (cron, shortly after midnight) and when the task worker starts (`scripts/run_hall.sh`):
the task scheduled for each future 中断日期 normally does it, and this catches any run missed by a
stopped or killed worker. Idempotent: a second run finds nothing to do. Readers never depend on it
(they compute the status as of today; see `yibao.enrollment.standing`).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from yibao.enrollment.standing import pauses_due_apply


class Command(BaseCommand):
    help = "将中断日期已到的参保关系置为暂停参保（可重复执行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        paused = pauses_due_apply(today=timezone.localdate())
        self.stdout.write(self.style.SUCCESS(f"暂停参保：{paused}条参保关系"))
