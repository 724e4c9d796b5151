"""manage.py exports_recover: take care of exports whose worker is gone, and of expired files.

Run when a task worker starts (`scripts/run_hall.sh`) and every few minutes from cron: an export
past its lease is enqueued again (queued, never started), run again from scratch (running, its
worker killed) or ends as «导出中断，请重新导出» once its runs are used up (see
`yibao.exports.lease`); finished exports past 保留至 are deleted with their files. The 导出记录
page does the first for the exports it shows. Idempotent: a second run finds nothing to do.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yibao.exports.services import exports_cleanup, exports_recover


class Command(BaseCommand):
    help = "处理执行中断的导出任务并删除过期的导出文件（可重复执行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = exports_recover()
        deleted = exports_cleanup()
        self.stdout.write(
            self.style.SUCCESS(
                f"导出任务：重新排队{counts['enqueued']}个，重新执行{counts['restarted']}个，"
                f"导出中断{counts['interrupted']}个，删除过期{deleted}个"
            )
        )
