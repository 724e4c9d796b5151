"""Benchmark of the contribution queries, the detail export and the feed import (issue #7 C).

    createdb -h 127.0.0.1 -U postgres yibao_contrib_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/yibao_contrib_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_demo --persons 1000000 --showcase-persons 50000
    .venv/bin/python bench/contributions.py

On the first demo unit (the showcase unit), through the views with Django's test client (server
time: middleware, guard, queries, template), median of --runs runs, with the query count:

* 单位缴费信息查询 over 24 months (reads the 单位缴费汇总), and the same grouped query on the detail
  rows as the baseline it replaces;
* 个人缴费信息查询 of one person by 证件号码 over 24 months, and by 姓名;
* 缴费明细导出 of 3 and of 12 months: seconds, rows, and the growth of the resident set (VmRSS
  sampled every 10 ms) — the same for both when memory stays flat; the baseline is the same rows
  written by xlsxwriter (constant_memory), the writer the export used before (time ratio);
  --export-only skips the other measurements;
* import_contributions of one month of the unit (rows/s), run twice: the row count is unchanged.

The operator binding it adds (both grants) is removed at the end; the re-imported month is the
month as it was.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_QUERY_MS = 100.0
TARGET_EXPORT_S = 20.0


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    import django

    django.setup()


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class RssSampler:
    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb())
            time.sleep(0.01)

    def __enter__(self) -> RssSampler:
        self.peak = rss_mb()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def timed(call: Any, runs: int) -> tuple[float, int]:
    """Median milliseconds of `runs` calls (after one warm-up) and the queries of one call."""
    from django.db import connection

    call()
    seen: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):  # survives the request signals that reset queries
        call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(times), len(seen)


def xlsxwriter_export(rows: Any) -> int:
    """The export as it was written before the streaming writer: xlsxwriter in constant_memory
    mode into a temporary file, cell by cell; the file size."""
    import tempfile

    import xlsxwriter

    from yibao.contributions.exports import COLUMNS, MONEY, SHEET, detail_cells

    with tempfile.TemporaryFile(suffix=".xlsx") as target:
        book = xlsxwriter.Workbook(target, {"constant_memory": True})
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        money = book.add_format({"num_format": MONEY})
        sheet = book.add_worksheet(SHEET)
        for index, column in enumerate(COLUMNS):
            sheet.set_column(index, index, column.width)
            sheet.write_string(0, index, column.title, header)
        for number, (period, name, cert_no, insutype, base, unit_amount, personal, arrival) in enumerate(
            detail_cells(rows), start=1
        ):
            sheet.write_string(number, 0, period)
            sheet.write_string(number, 1, name)
            sheet.write_string(number, 2, cert_no)
            sheet.write_string(number, 3, insutype)
            sheet.write_number(number, 4, float(base), money)
            sheet.write_number(number, 5, float(unit_amount), money)
            sheet.write_number(number, 6, float(personal), money)
            sheet.write_string(number, 7, arrival)
        book.close()
        return target.tell()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--export-only", action="store_true", help="only the 缴费明细导出 figures")
    args = parser.parse_args()
    _setup_django()

    from django.db import connection
    from django.db.models import Count, Max, Min, Sum
    from django.test import Client
    from django.urls import reverse

    from yibao.contributions.feed import contributions_import
    from yibao.contributions.feed_file import read_feed_file
    from yibao.contributions.models import Contribution
    from yibao.contributions.periods import period_add, period_text
    from yibao.contributions.selectors import unit_contribution_detail
    from yibao.contributions.tests.helpers import feed_csv
    from yibao.core.tests.factories import BindingFactory, grant
    from yibao.demo import DEMO_EMP_NO_PREFIX
    from yibao.enrollment.models import Person
    from yibao.operators.models import Binding, Operator
    from yibao.operators.session import CURRENT_UNIT_KEY
    from yibao.units.models import Unit

    unit = Unit.objects.filter(emp_no__startswith=DEMO_EMP_NO_PREFIX).order_by("pk").first()
    if unit is None:
        sys.exit("No demo data: run manage.py seed_demo --persons 1000000 --showcase-persons 50000")
    last = Contribution.objects.filter(unit=unit).aggregate(last=Max("period"))["last"]
    persons = Contribution.objects.filter(unit=unit, period=last).count()
    print(f"{connection.vendor}; unit {unit.emp_no} {unit.name}: {persons:,} persons in {last}")

    binding = grant(BindingFactory.create(unit=unit), "unit-contributions", "person-contributions")
    operator_user = binding.operator.user
    try:
        client = Client()
        client.force_login(operator_user)
        session = client.session
        session[CURRENT_UNIT_KEY] = unit.pk
        session.save()

        if not args.export_only:
            start24 = period_add(last, -23)
            months24 = {"start": period_text(start24), "end": period_text(last)}
            ms, queries = timed(lambda: client.get(reverse("contributions:unit"), months24), args.runs)
            print(f"单位缴费信息查询 24 months (summary): median {ms:.1f} ms, {queries} queries "
                  f"(target ≤ {TARGET_QUERY_MS:.0f} ms)")  # fmt: skip

            def baseline() -> Any:
                class Done:
                    status_code = 200

                list(
                    Contribution.objects.filter(unit=unit, period__gte=start24, period__lte=last)
                    .values("period", "insutype")
                    .annotate(
                        Sum("base"),
                        Sum("unit_amount"),
                        Sum("personal_amount"),
                        Count("id"),
                        Min("arrival"),
                        Max("arrival"),
                        Max("arrival_date"),
                    )
                )
                return Done()

            base_ms, _ = timed(baseline, max(args.runs // 4, 3))
            print(f"  baseline: the same grouped query on the detail rows alone: median {base_ms:.1f} ms "
                  f"(summary view / baseline query = {ms / base_ms:.2f})")  # fmt: skip

            person = Person.objects.get(
                pk=Contribution.objects.filter(unit=unit, period=last).values("person_id")[:1]
            )
            data = {"cert_type": person.cert_type, "cert_no": person.cert_no, **months24}
            ms, queries = timed(lambda: client.post(reverse("contributions:person"), data), args.runs)
            print(f"个人缴费信息查询 by 证件号码, 24 months: median {ms:.1f} ms, {queries} queries "
                  f"(target ≤ {TARGET_QUERY_MS:.0f} ms)")  # fmt: skip
            by_name = {"cert_type": "01", "name": person.name, **months24}
            ms, queries = timed(lambda: client.post(reverse("contributions:person"), by_name), args.runs)
            print(
                f"个人缴费信息查询 by 姓名 ({person.name}), 24 months: median {ms:.1f} ms, {queries} queries"
            )

        # the export worker's part (yibao.exports): the workbook of the range into a temporary file
        import tempfile

        from yibao.contributions.exports import DETAIL_EXPORT
        from yibao.core.masking import MASKED
        from yibao.exports.models import ExportJob

        def export(start: int, end: int) -> int:
            job = ExportJob(unit=unit, kind=DETAIL_EXPORT.code, filters={"start": start, "end": end})
            with tempfile.TemporaryFile() as target:
                DETAIL_EXPORT.build(job, MASKED, target)
                return target.tell()

        export(last, last)  # imports and caches first
        for months in (3, 12):
            before = rss_mb()
            with RssSampler() as sampler:
                started = time.perf_counter()
                size = export(period_add(last, -(months - 1)), last)
                seconds = time.perf_counter() - started
            rows = Contribution.objects.filter(unit=unit, period__gte=period_add(last, -(months - 1))).count()
            print(f"缴费明细导出 {months:2d} months: {rows:,} rows, {seconds:.1f} s, {size / 1e6:.1f} MB file, "
                  f"RSS growth {sampler.peak - before:.1f} MB (target ≤ {TARGET_EXPORT_S:.0f} s)")  # fmt: skip
            before = rss_mb()
            with RssSampler() as sampler:
                started = time.perf_counter()
                old_size = xlsxwriter_export(
                    unit_contribution_detail(unit=unit, start=period_add(last, -(months - 1)), end=last)
                )
                old_seconds = time.perf_counter() - started
            print(f"  baseline xlsxwriter (constant_memory), same rows: {old_seconds:.1f} s, "
                  f"{old_size / 1e6:.1f} MB file, RSS growth {sampler.peak - before:.1f} MB "
                  f"(export / baseline = {seconds / old_seconds:.2f})")  # fmt: skip

        if args.export_only:
            return

        month_rows = [
            [unit.emp_no, ct, cn, it, str(p), str(b), str(ua), str(pa), a, d.isoformat() if d else ""]
            for ct, cn, it, p, b, ua, pa, a, d in Contribution.objects.filter(unit=unit, period=last)
            .order_by("person_id")
            .values_list(
                "person__cert_type",
                "person__cert_no",
                "insutype",
                "period",
                "base",
                "unit_amount",
                "personal_amount",
                "arrival",
                "arrival_date",
            )
        ]
        body = feed_csv(month_rows)
        count_before = Contribution.objects.filter(unit=unit).count()
        for run in (1, 2):
            started = time.perf_counter()
            report = contributions_import(rows=read_feed_file(body, name="month.csv"))
            seconds = time.perf_counter() - started
            assert report.ok, report.errors[:5]
            count = Contribution.objects.filter(unit=unit).count()
            print(f"import_contributions one month ({len(month_rows):,} rows, {len(body) / 1e6:.1f} MB CSV) "
                  f"run {run}: {seconds:.2f} s, {len(month_rows) / seconds:,.0f} rows/s; replaced {report.deleted:,}; "
                  f"unit rows {count_before:,} → {count:,}")  # fmt: skip
    finally:
        operator_id = binding.operator_id
        Binding.objects.filter(pk=binding.pk).delete()
        Operator.objects.filter(pk=operator_id).delete()
        operator_user.delete()


if __name__ == "__main__":
    main()
