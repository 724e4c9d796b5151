"""manage.py seed_catalog: demo catalogues (idempotent), or many generated rows for benchmarks.

manage.py seed_catalog                                      # a few hundred rows of each kind
manage.py seed_catalog --drugs 100000 --institutions 50000  # benchmark volumes (not shipped)
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yibao.catalog.demo.feed import demo_feed
from yibao.catalog.demo.generate import (
    bench_drug_rows,
    bench_institution_rows,
    demo_agency_rows,
    demo_drug_rows,
    demo_service_item_rows,
)
from yibao.catalog.layouts import AGENCIES, DRUGS, INSTITUTIONS, PHARMACIES, SERVICE_ITEMS, Layout
from yibao.catalog.services import LoadReport, catalog_rows_apply
from yibao.catalog.sync import institutions_sync


class Command(BaseCommand):
    help = "生成演示用的公用服务目录数据（可重复执行）；--drugs/--institutions 生成基准测试用的大量数据。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--drugs", type=int, default=0, help="基准测试：生成的药品条数")
        parser.add_argument("--institutions", type=int, default=0, help="基准测试：生成的定点医药机构条数")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["drugs"] or options["institutions"]:
            self._bench(options["drugs"], options["institutions"])
            return
        self._apply(DRUGS, demo_drug_rows())
        self._sync_institutions()
        self._apply(AGENCIES, demo_agency_rows())
        self._apply(SERVICE_ITEMS, demo_service_item_rows())

    def _sync_institutions(self) -> None:
        """Institutions and pharmacies come from the 贯标平台 feed, as in production."""
        started = time.perf_counter()
        report = institutions_sync(feed=demo_feed(), source="seed_catalog")
        elapsed = time.perf_counter() - started
        self.stdout.write(f"{report.summary().replace('同步完成', '演示数据')}（{elapsed:.1f} 秒）")

    def _bench(self, drugs: int, institutions: int) -> None:
        if drugs:
            self._apply(DRUGS, bench_drug_rows(drugs))
        if institutions:
            medical, pharmacies = bench_institution_rows(institutions)
            self._apply(INSTITUTIONS, medical)
            self._apply(PHARMACIES, pharmacies)

    def _apply(self, layout: Layout, rows: list[dict[str, Any]]) -> LoadReport:
        started = time.perf_counter()
        # Seeding adds to what is there: rows loaded from real files are never deactivated here.
        report = catalog_rows_apply(
            layout=layout, rows=rows, actor=None, deactivate_missing=False, source="seed_catalog"
        )
        elapsed = time.perf_counter() - started
        self.stdout.write(f"{report.summary().replace('导入完成', '演示数据')}（{elapsed:.1f} 秒）")
        return report
