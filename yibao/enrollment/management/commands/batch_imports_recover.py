"""manage.py batch_imports_recover: take care of batch imports whose worker is gone.

Run when a task worker starts (`scripts/run_hall.sh`) and every few minutes from cron: an import
past its lease is enqueued again (queued, never started), queued again from scratch (running, its
worker killed) or ended as «导入中断，请重新导入» once its runs are used up (see
`yibao.enrollment.batch_lease`). The progress page does the same for the import it shows.
Idempotent: a second run finds nothing to do.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yibao.enrollment.batch_import import batch_imports_recover


class Command(BaseCommand):
    help = "处理执行中断的批量导入：重新排队或标记为导入中断（可重复执行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = batch_imports_recover()
        self.stdout.write(
            self.style.SUCCESS(
                f"批量导入：重新排队{counts['enqueued']}个，重新执行{counts['restarted']}个，"
                f"导入中断{counts['interrupted']}个"
            )
        )
