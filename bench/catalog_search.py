"""Benchmark of the public catalogue name search (issue #8): Chinese substrings and pinyin initials.

    export YIBAO_SQLITE_PATH=/tmp/yibao-catalog-bench.sqlite3       # a separate file
    .venv/bin/python bench/catalog_search.py --migrate --seed

    createdb -h 127.0.0.1 -U postgres yibao_catalog_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/yibao_catalog_bench
    .venv/bin/python bench/catalog_search.py --migrate --seed

--seed runs `manage.py seed_catalog --drugs 100000 --institutions 50000` when the tables hold
fewer rows than that. Each search then runs `--runs` times (after two warm-up runs) three ways:

* selector — the page a list view shows: the selector's count plus its first 20 rows;
* view     — the whole request through Django's test client (form, query, template);
* icontains — the same count and first page with a plain `name__icontains` (for pinyin:
  `search_key__icontains`), i.e. a scan of the table without the search index.

It prints the median and 90th percentile in milliseconds, the ratio icontains / selector and the
query plan of the indexed search.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MS = 50.0
PAGE = 20


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _timed(run: Callable[[], Any], runs: int) -> list[float]:
    for _ in range(2):
        run()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _page(queryset: Any) -> tuple[int, list[Any]]:
    """What a list page reads: the (bounded) number of matches and the first page."""
    from yibao.catalog.search import search_planning
    from yibao.catalog.views import PAGE_SIZE, BoundedPaginator

    with search_planning():
        page = BoundedPaginator(queryset, PAGE_SIZE).page(1)
        return page.paginator.count, list(page.object_list)


def _plan(queryset: Any) -> str:
    from django.db import connection

    from yibao.catalog.search import search_planning

    sql, params = queryset[:PAGE].query.sql_with_params()
    with search_planning(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return "\n".join(f"    {row[-1]}" for row in cursor.fetchall())
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + sql, params)
        return "\n".join(f"    {row[0]}" for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--migrate", action="store_true", help="run migrations first")
    parser.add_argument("--seed", action="store_true", help="generate the benchmark rows when missing")
    parser.add_argument("--drugs", type=int, default=100_000)
    parser.add_argument("--institutions", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-plans", action="store_true", help="do not print the query plans")
    args = parser.parse_args()

    _setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from yibao.catalog.models import Drug, Institution
    from yibao.catalog.search import normalise_query, search_plan
    from yibao.catalog.selectors import drug_list, institution_list

    if args.migrate:
        call_command("migrate", verbosity=0)
    if args.seed and (Drug.objects.count() < args.drugs or Institution.objects.count() < args.institutions):
        started = time.perf_counter()
        call_command("seed_catalog", drugs=args.drugs, institutions=args.institutions)
        print(f"seed_catalog: {time.perf_counter() - started:.1f} s")

    drugs = Drug.objects.count()
    institutions = Institution.objects.count()
    vendor = connection.vendor
    backend: Any = connection
    version = (
        backend.Database.sqlite_version
        if vendor == "sqlite"
        else ".".join(str(backend.pg_version // 10000**i % 10000) for i in (1, 0))
    )
    print(f"database: {vendor} {version}; rows: {drugs} drugs, {institutions} institutions")
    print(f"plan: {search_plan()}")
    print(
        f"runs: {args.runs} per case (after 2 warm-ups); budget {BUDGET_MS:.0f} ms; page of {PAGE} rows + count"
    )

    medical = Institution.Type.MEDICAL
    client = Client()
    cases: list[tuple[str, str, Any, Any, str]] = []

    def add(label: str, text: str, kind: str) -> None:
        needle = normalise_query(text)
        indexed: Any
        baseline: Any
        if kind == "drugs":
            indexed = drug_list(name=text)
            baseline = Drug.objects.filter(is_active=True)
            url = "/catalog/drugs/"
        else:
            indexed = institution_list(fixmedins_type=medical, name=text)
            baseline = Institution.objects.filter(fixmedins_type=medical, is_active=True)
            url = "/catalog/institutions/"
        # The same rows in the same order, found by scanning: the name for Chinese text, the
        # stored initials for Latin letters.
        scan = (
            baseline.filter(name__icontains=text)
            if not needle.isascii()
            else baseline.filter(search_key__icontains=needle)
        )
        cases.append((label, text, indexed, scan.order_by("search_key", "code"), url))

    add("drugs, Chinese substring", "阿莫西林", "drugs")
    add("drugs, pinyin initials", "amxl", "drugs")
    add("drugs, Chinese, rare", "地塞米松磷酸钠", "drugs")
    add("drugs, pinyin, no match", "qqqq", "drugs")
    add("drugs, two characters", "胶囊", "drugs")
    add("institutions, Chinese substring", "中医医院", "institutions")
    add("institutions, pinyin initials", "zyyy", "institutions")
    add("institutions, Chinese, rare", "西山区翠湖", "institutions")

    header = f"{'case':34} {'query':10} {'hits':>6} {'selector':>10} {'view':>10} {'icontains':>10} {'ratio':>7}  ok"
    print()
    print(header)
    print("-" * len(header))
    failures = []
    plans = []
    for label, text, indexed, scan, url in cases:
        hits = indexed.count()
        assert _page(indexed) == _page(scan), f"{label}: the index and the scan disagree"
        selector = statistics.median(_timed(partial(_page, indexed), args.runs))
        view = statistics.median(_timed(partial(client.get, url, {"name": text}), args.runs))
        baseline = statistics.median(_timed(partial(_page, scan), args.runs))
        ok = selector <= BUDGET_MS and view <= BUDGET_MS
        if not ok and "two characters" not in label:
            failures.append(label)
        print(
            f"{label:34} {text:10} {hits:>6} {selector:>8.1f}ms {view:>8.1f}ms {baseline:>8.1f}ms "
            f"{baseline / selector:>6.1f}x  {'yes' if ok else 'NO'}"
        )
        if not args.no_plans and label.endswith(("Chinese substring", "pinyin initials")):
            plans.append(f"  {label} «{text}»:\n{_plan(indexed)}")
    print()
    print(
        "medians in ms; selector = bounded count + first page, as the list view reads them; "
        "view = the whole request; icontains = the same page found by a scan; ratio = icontains / selector"
    )
    if plans:
        print("\nquery plans of the first page:")
        print("\n".join(plans))
    if failures:
        print(f"\nOVER BUDGET: {', '.join(failures)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
