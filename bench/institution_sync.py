"""Benchmark of the 贯标平台 institution sync (issue 16): a province-sized feed file.

    export YIBAO_SQLITE_PATH=/tmp/yibao-sync-bench.sqlite3       # a separate file: its
    .venv/bin/python bench/institution_sync.py --migrate          # institutions are replaced

    createdb -h 127.0.0.1 -U postgres yibao_sync_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/yibao_sync_bench
    .venv/bin/python bench/institution_sync.py --migrate

It writes a CSV feed of `--rows` institutions (default 50,000, every column filled, spread over
every county), empties the institution table and measures, each from the file's bytes to the
committed transaction:

* sync, first   — every row created;
* sync, again   — the same file: every row unchanged (nothing written);
* sync, changed — the file with `--changed` percent of the rows renamed and re-stamped;

against a naive baseline measured in the same run on the first `--baseline-rows` rows (default
5,000, all of them with `--baseline-rows 0`): the same parse, then one `update_or_create` per row
(a SELECT and an INSERT or UPDATE each, in one transaction) — first into the empty table, then the
same rows again. Figures are rows per second and the ratio sync / naive.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from yibao.catalog.sync import SyncReport

ROOT = Path(__file__).resolve().parent.parent


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _changed(data: bytes, percent: int) -> bytes:
    """Every n-th row renamed and given a later 贯标平台更新时间."""
    from yibao.catalog.demo.feed import DEMO_UPDATED

    lines = data.decode("utf-8").splitlines(keepends=True)
    step = max(1, round(100 / percent)) if percent else len(lines) + 1
    out = [lines[0]]
    for number, line in enumerate(lines[1:]):
        if number % step == 0:
            cells = line.split(",")
            cells[1] = cells[1] + "（新址）"
            line = ",".join(cells).replace(DEMO_UPDATED, "2026-02-01 10:00:00")
        out.append(line)
    return "".join(out).encode("utf-8")


def _sync(data: bytes) -> tuple[float, SyncReport]:
    from yibao.catalog.sync import institutions_sync
    from yibao.catalog.sync_format import read_sync_file

    started = time.perf_counter()
    report = institutions_sync(feed=read_sync_file(data, name="bench.csv"), source="bench")
    seconds = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(report.summary() + "\n" + "\n".join(str(e) for e in report.errors[:10]))
    return seconds, report


def _naive(data: bytes, limit: int) -> float:
    """The same parse, then one update_or_create per row."""
    from django.db import transaction

    from yibao.catalog.models import Institution
    from yibao.catalog.search import search_key_for
    from yibao.catalog.sync import sync_rows_parse
    from yibao.catalog.sync_format import SyncFeed, read_sync_file

    started = time.perf_counter()
    feed = read_sync_file(data, name="bench.csv")
    feed = SyncFeed(feed.keys, feed.rows[:limit] if limit else feed.rows)
    rows, _errors, count = sync_rows_parse(feed)
    assert count == 0
    with transaction.atomic():
        for values in rows:
            values.pop("_line")
            code = values.pop("code")
            Institution.objects.update_or_create(
                code=code, defaults={**values, "search_key": search_key_for(values["name"])}
            )
    return time.perf_counter() - started


def _empty_table() -> None:
    from django.db import connection

    from yibao.catalog.models import Institution

    Institution.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{Institution._meta.db_table}"')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--migrate", action="store_true", help="run migrate and load_reference first")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--changed", type=int, default=10, help="percent of rows changed in the third run")
    parser.add_argument("--baseline-rows", type=int, default=5_000)
    args = parser.parse_args()
    _setup_django()
    from django.core.management import call_command
    from django.db import connection

    from yibao.catalog.demo.feed import bench_feed_csv

    if args.migrate:
        call_command("migrate", verbosity=0)
        call_command("load_reference", verbosity=0)
    print(f"database: {connection.vendor}; feed: {args.rows:,} institutions")
    started = time.perf_counter()
    data = bench_feed_csv(args.rows)
    print(f"  feed file written in {time.perf_counter() - started:.1f} s ({len(data) / 1e6:.1f} MB)")
    changed = _changed(data, args.changed)

    _empty_table()
    first, report = _sync(data)
    again, report_again = _sync(data)
    third, report_changed = _sync(changed)
    rows = args.rows
    print(f"  sync, first   {first:7.2f} s  {rows / first:9,.0f} rows/s  created {report.created:,}")
    print(
        f"  sync, again   {again:7.2f} s  {rows / again:9,.0f} rows/s  unchanged {report_again.unchanged:,}"
    )
    print(f"  sync, changed {third:7.2f} s  {rows / third:9,.0f} rows/s  updated {report_changed.updated:,}")

    baseline = min(args.baseline_rows, rows) if args.baseline_rows else rows
    _empty_table()
    naive_first = _naive(data, baseline)
    naive_again = _naive(data, baseline)
    _empty_table()
    print(f"  naive, first  {naive_first:7.2f} s  {baseline / naive_first:9,.0f} rows/s  ({baseline:,} rows)")
    print(f"  naive, again  {naive_again:7.2f} s  {baseline / naive_again:9,.0f} rows/s")
    print("ratios (rows/s of the sync ÷ rows/s of the naive way):")
    print(f"  first load   × {(rows / first) / (baseline / naive_first):.1f}")
    print(f"  same again   × {(rows / again) / (baseline / naive_again):.1f}")
    print(f"  10% changed  × {(rows / third) / (baseline / naive_again):.1f} (against the naive «again»)")


if __name__ == "__main__":
    main()
