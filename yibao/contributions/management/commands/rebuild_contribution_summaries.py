"""manage.py rebuild_contribution_summaries: the 单位缴费汇总 again from every detail row.

Needed after detail rows were written other than by `import_contributions` (the demo load runs
it itself), or to bring the 人员类别 split up to date after many 人员类别 changes.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from yibao.contributions.summaries import contribution_summaries_rebuild


class Command(BaseCommand):
    help = "根据缴费明细重新生成单位缴费汇总。"

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            rows = contribution_summaries_rebuild()
        self.stdout.write(self.style.SUCCESS(f"单位缴费汇总：{rows}行"))
