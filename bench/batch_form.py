"""Benchmark of a batch application's printed form (打印报表 of 职工参保登记（批量）): the form page
by WeasyPrint and every person of the batch listed after it, page by page.

    export YIBAO_SQLITE_PATH=/tmp/yibao-batch-form-bench.sqlite3          # a separate file
    .venv/bin/python bench/batch_form.py --migrate --persons 100000

Inside one transaction that is rolled back at the end, it stores a batch of --persons lines
through `application_lines_store` (as the background import does; the names of a large batch draw on
~3,500 characters, so the font subset is as large as a real one), then times --runs renderings of
`application_form_pdf` after one warm-up. The baseline is the same batch's form page alone
(WeasyPrint, no list), and, for scale, WeasyPrint laying out 500 list rows as an HTML table
(the per-row cost that rules it out for 100,000 rows).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--migrate", action="store_true", help="run migrations first")
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    _setup_django()
    import logging

    from django.core.management import call_command
    from django.db import connection, transaction
    from weasyprint import HTML

    from yibao.cases.printing import STYLESHEET, application_form_html, application_form_pdf, person_list_plan
    from yibao.cases.selectors import application_change_rows
    from yibao.cases.tests.batches import batch_application
    from yibao.core.pdf import pdf_from_html
    from yibao.core.tests.factories import BindingFactory, grant

    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if args.migrate:
        call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; {args.persons} persons; {args.runs} runs after 1 warm-up")
    with transaction.atomic():
        start = time.perf_counter()
        application = batch_application(grant(BindingFactory.create(), "employee-enrollment"), args.persons)
        print(f"batch stored in {time.perf_counter() - start:.1f} s")
        form_only = []
        for _ in range(args.runs + 1):
            start = time.perf_counter()
            pdf_from_html(application_form_html(application), stylesheet=STYLESHEET)
            form_only.append(time.perf_counter() - start)
        whole, size = [], 0
        for _ in range(args.runs + 1):
            start = time.perf_counter()
            size = len(application_form_pdf(application))
            whole.append(time.perf_counter() - start)
        start = time.perf_counter()
        plan = person_list_plan(application, application_change_rows(application, reveal_new=True))
        planned = time.perf_counter() - start
        rows = "".join(f"<tr>{''.join(f'<td>{c}</td>' for c in row)}</tr>" for row in plan_rows(plan, 500))
        start = time.perf_counter()
        HTML(string=f"<table>{rows}</table>").write_pdf(stylesheets=[str(STYLESHEET)])
        weasy_500 = time.perf_counter() - start
        transaction.set_rollback(True)
    form_s, whole_s = statistics.median(form_only[1:]), statistics.median(whole[1:])
    print(f"form page alone (baseline):      {form_s * 1000:8.0f} ms")
    print(f"form and person list ({plan.page_count} list pages, {size / 1e6:.1f} MB): {whole_s:6.2f} s "
          f"({whole_s / form_s:.0f} × baseline; {whole_s / args.persons * 1e6:.0f} µs a person)")  # fmt: skip
    print(f"  of which reading and laying out the list: {planned:.2f} s")
    print(f"WeasyPrint, 500 list rows as an HTML table: {weasy_500:.2f} s "
          f"(≈ {weasy_500 / 500 * args.persons:.0f} s for {args.persons})")  # fmt: skip


def plan_rows(plan: object, count: int) -> list[list[str]]:
    """The first `count` rows of a laid-out list, each cell as one text."""
    rows = getattr(plan, "rows")  # noqa: B009 - TablePlan, imported after Django is set up
    return [["".join(lines) for lines in row] for row in rows[:count]]


if __name__ == "__main__":
    main()
