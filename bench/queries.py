"""Benchmark of the 查询服务 pages (issue 7, part Q) on a unit with 50,000 persons.

    createdb -h 127.0.0.1 -U postgres yibao_bench_queries
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/yibao_bench_queries
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_demo --persons 1000000 --showcase-persons 50000   # ~2-3 min
    psql -h 127.0.0.1 -U postgres yibao_bench_queries -c "VACUUM ANALYZE"              # optional
    .venv/bin/python bench/queries.py

(or `export YIBAO_SQLITE_PATH=/tmp/yibao-queries-bench.sqlite3` instead of DATABASE_URL.)

The first demo unit holds exactly the --showcase-persons persons; its first operator holds every
insured-unit grant. Each case is a whole request through Django's test client logged in as that
operator (form, guard, population, queries, template), run `--runs` times after two warm-ups; it
prints the median and 90th percentile in milliseconds and the number of queries. The naive
baselines do the same work the way a first attempt would: paginate `Person` joined to its
insurances with DISTINCT and OFFSET (count + page of full rows); their ratio to the roster's
selector (count + page of ids + the page's rows) is printed beside them. Last, one 导出 of the
whole roster is timed once, as the export worker builds it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MS = 100.0


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _timed(run: Callable[[], Any], runs: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        run()
    samples = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            run()
            samples.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    return samples, queries


def _line(label: str, samples: list[float], queries: int | str, extra: str = "") -> str:
    median = statistics.median(samples)
    p90 = sorted(samples)[int(len(samples) * 0.9) - 1]
    verdict = "ok" if median <= BUDGET_MS else "OVER"
    return (
        f"  {label:<44} median {median:7.1f} ms  p90 {p90:7.1f} ms  queries {queries!s:>3}  {verdict}{extra}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--deep-page", type=int, default=2000)
    parser.add_argument("--no-export", action="store_true", help="skip the timed export")
    args = parser.parse_args()

    _setup_django()
    from django.conf import settings
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client

    from yibao.enrollment.models import Insurance, Person
    from yibao.operators.models import Binding, Grant
    from yibao.operators.session import CURRENT_UNIT_KEY
    from yibao.queries.roster import RosterFilters, roster_person_ids, roster_rows
    from yibao.units.models import Population

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    grant = (
        Grant.objects.filter(item__code="roster", binding__status=Binding.Status.ACTIVE)
        .select_related("binding__operator__user", "binding__unit")
        .order_by("unit_id")
        .first()
    )
    if grant is None:
        sys.exit("No operator holds the roster grant: seed the demo first (see the docstring).")
    binding = grant.binding
    unit = binding.unit
    persons = Insurance.objects.filter(unit=unit).values("person_id").distinct().count()
    population = binding.populations.order_by("sort_order", "code").first()
    psn_types = tuple(population.psn_types) if isinstance(population, Population) else None
    vendor = connection.vendor
    print(
        f"database: {vendor}; persons: {Person.objects.count():,}; insurance rows: {Insurance.objects.count():,}"
    )
    print(f"unit: {unit.name} ({persons:,} persons); 管理人群: {population}; budget {BUDGET_MS:.0f} ms")
    print(f"runs: {args.runs} per case (after 2 warm-ups)\n")

    client = Client()
    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = unit.pk
    session.save()

    sample = (
        Insurance.objects.filter(unit=unit, psn_type__in=psn_types or ("1101",))
        .select_related("person")
        .order_by("-person_id")
        .first()
    )
    assert sample is not None
    person = sample.person

    def get(url: str, data: dict[str, Any] | None = None, text: str = "") -> Callable[[], Any]:
        def run() -> Any:
            response = client.get(url, data or {})
            assert response.status_code == 200, (url, response.status_code)
            if text:
                assert text in response.content.decode(), (url, text)
            return response

        return run

    def post(url: str, data: dict[str, Any], text: str) -> Callable[[], Any]:
        def run() -> Any:
            response = client.post(url, data)
            assert response.status_code == 200 and text in response.content.decode(), url
            return response

        return run

    roster = "/hall/queries/roster/"
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("职工花名册 first page", get(roster, text="共 ")),
        (
            f"职工花名册 page {args.deep_page}",
            get(roster, {"page": args.deep_page}, f"第 {args.deep_page} 页"),
        ),
        ("职工花名册 参保状态=暂停参保", get(roster, {"status": "2"}, "共 ")),
        (
            "职工花名册 险种=生育保险, 参保日期 2020 起",
            get(roster, {"insutype": "510", "start": "2020-01-01"}, "共 "),
        ),
        ("职工花名册 姓名", get(roster, {"name": person.name}, person.name)),
        (
            "职工花名册 证件号码 (post + redirect + page)",
            lambda: client.post(roster, {"cert_no": person.cert_no}, follow=True),
        ),
        (
            "个人参保信息查询",
            post(
                "/hall/queries/person-insurance/",
                {"cert_type": person.cert_type, "cert_no": person.cert_no},
                "个人参保信息",
            ),
        ),
        (
            "个人基本信息查询",
            post(
                "/hall/queries/person/",
                {"cert_type": person.cert_type, "cert_no": person.cert_no},
                "个人基本信息",
            ),
        ),
        ("单位参保信息查询", get("/hall/queries/unit-insurance/", text="参保人数")),
        ("单位人员变动查询", get("/hall/queries/personnel-changes/")),
    ]
    print("pages (whole request):")
    for label, run in cases:
        samples, queries = _timed(run, args.runs)
        print(_line(label, samples, queries))

    print("\nroster selector vs naive (count + one page, no template):")
    for page_number in (1, args.deep_page):

        def ours(page_number: int = page_number) -> None:
            ids = roster_person_ids(unit=unit, psn_types=psn_types, filters=RosterFilters())
            page = Paginator(ids, 20).page(page_number)
            roster_rows(unit=unit, psn_types=psn_types, person_ids=list(page.object_list))

        def naive(page_number: int = page_number) -> None:
            persons_qs = Person.objects.filter(insurances__unit=unit)
            if psn_types is not None:
                persons_qs = persons_qs.filter(insurances__psn_type__in=psn_types)
            page = Paginator(persons_qs.distinct().order_by("pk"), 20).page(page_number)
            list(page.object_list)

        mine, mine_queries = _timed(ours, args.runs)
        base, base_queries = _timed(naive, args.runs)
        ratio = statistics.median(base) / statistics.median(mine)
        print(_line(f"roster selector, page {page_number}", mine, mine_queries))
        print(
            _line(
                f"naive DISTINCT Person join, page {page_number}",
                base,
                base_queries,
                f"  ({ratio:.1f}x ours)",
            )
        )

    if not args.no_export:
        import tempfile

        from yibao.core.masking import MASKED
        from yibao.exports.models import ExportJob
        from yibao.queries.export_kinds import ROSTER_EXPORT

        # the export worker's part (yibao.exports): the workbook of the whole roster, in the 管理人群
        job = ExportJob(unit=unit, kind=ROSTER_EXPORT.code, filters={"query": ""}, psn_types=psn_types)
        started = time.perf_counter()
        with tempfile.TemporaryFile() as target:
            rows = ROSTER_EXPORT.build(job, MASKED, target)
            size = target.tell()
        seconds = time.perf_counter() - started
        print(f"\n导出 whole roster (worker): {rows:,} rows, {seconds:.1f} s, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
