"""Benchmark of the operator hall's frame: what every hall page pays before its own work (session,
login, the `grant_required` guard, the layout's unit switcher and 系统通知 badge).

    export YIBAO_SQLITE_PATH=/tmp/yibao-hall-bench.sqlite3      # or DATABASE_URL=postgres://…
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_demo --persons 200000 --showcase-persons 50000
    .venv/bin/python bench/hall_frame.py

The first demo unit's first operator holds every insured-unit grant. Each case is a whole GET
through Django's test client logged in as that operator, run `--runs` times after two warm-ups
(DEBUG off); it prints the median and 90th percentile in milliseconds and the number of queries
(counted in one more run). Three bench-only views behind the same middleware measure the frame:

- bare: no guard, no template (session load and save only);
- guard: `grant_required("roster")` and an empty response;
- frame: the guard and an empty page in `layouts/operator_hall.html` (switcher, nav, badge).

frame - bare is what the hall costs every page; it is printed beside each real page as a share
of that page's median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MS = 100.0
BENCH_URLCONF = "bench_hall_frame_urls"


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    import django

    django.setup()


def _install_bench_urls() -> None:
    """The project's URLs plus the three measuring views, in a module only this script knows."""
    from django.conf import settings
    from django.http import HttpRequest, HttpResponse
    from django.template import engines
    from django.urls import include, path

    from yibao.operators.access import grant_required

    frame_page = engines["django"].from_string(
        '{% extends "layouts/operator_hall.html" %}{% block title %}基准{% endblock %}'
        "{% block content %}<h1>基准</h1>{% endblock %}"
    )

    def bare(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    @grant_required("roster")
    def guard(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    @grant_required("roster")
    def frame(request: HttpRequest) -> HttpResponse:
        return HttpResponse(frame_page.render({}, request))

    module = types.ModuleType(BENCH_URLCONF)
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bench/bare/", bare),
        path("bench/guard/", guard),
        path("bench/frame/", frame),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules[BENCH_URLCONF] = module
    settings.ROOT_URLCONF = BENCH_URLCONF


def _timed(run: Callable[[], Any], runs: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        run()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        run()
    return samples, len(captured)


def _line(label: str, samples: list[float], queries: int, extra: str = "") -> str:
    median = statistics.median(samples)
    p90 = sorted(samples)[int(len(samples) * 0.9) - 1]
    return f"  {label:<28} median {median:7.1f} ms  p90 {p90:7.1f} ms  queries {queries:>3}{extra}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    _setup_django()
    _install_bench_urls()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from yibao.operators.models import Binding, Grant
    from yibao.operators.session import CURRENT_UNIT_KEY

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    pages = {
        "entry:operator-home": None,
        "queries:roster": "roster",
        "contributions:unit": "unit-contributions",
        "cases:list": "case-records",
    }
    codes = [code for code in pages.values() if code]
    binding = (
        Binding.objects.filter(status=Binding.Status.ACTIVE)
        .filter(pk__in=Grant.objects.filter(item__code="roster").values("binding_id"))
        .select_related("operator__user", "unit")
        .order_by("unit_id", "pk")
        .first()
    )
    if binding is None:
        sys.exit("No operator holds the roster grant: seed the demo first (see the docstring).")
    held = set(
        Grant.objects.filter(binding=binding, item__code__in=codes).values_list("item__code", flat=True)
    )
    missing = sorted(set(codes) - held)
    if missing:
        sys.exit(f"The operator lacks the grants {missing}: seed the demo first (see the docstring).")

    print(f"database: {connection.vendor}; unit: {binding.unit.name}; operator: {binding.operator.name}")
    print(f"runs: {args.runs} per case (after 2 warm-ups); DEBUG={settings.DEBUG}\n")

    client = Client()
    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit_id
    session.save()

    def get(url: str) -> Callable[[], Any]:
        def run() -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return run

    print("the frame (bench-only views):")
    measured: dict[str, tuple[float, int]] = {}
    for label, url in (("bare", "/bench/bare/"), ("guard", "/bench/guard/"), ("frame", "/bench/frame/")):
        samples, queries = _timed(get(url), args.runs)
        measured[label] = (statistics.median(samples), queries)
        print(_line(label, samples, queries))
    frame_ms = measured["frame"][0] - measured["bare"][0]
    frame_queries = measured["frame"][1] - measured["bare"][1]
    print(f"  frame - bare: {frame_ms:.1f} ms, {frame_queries} queries\n")

    print(f"hall pages (whole request; budget {BUDGET_MS:.0f} ms):")
    for name in pages:
        samples, queries = _timed(get(reverse(name)), args.runs)
        share = frame_ms / statistics.median(samples)
        verdict = "ok" if statistics.median(samples) <= BUDGET_MS else "OVER"
        print(_line(name, samples, queries, f"  {verdict}  frame {share:.0%} of it"))


if __name__ == "__main__":
    main()
