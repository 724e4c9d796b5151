"""Benchmark of 参保证明 rendering (issue #7): one certificate PDF, against the application form.

    export YIBAO_SQLITE_PATH=/tmp/yibao-cert-bench.sqlite3          # a separate file
    .venv/bin/python bench/certificates.py --migrate

    createdb -h 127.0.0.1 -U postgres yibao_cert_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yibao_cert_bench \\
        .venv/bin/python bench/certificates.py --migrate

Inside one transaction that is rolled back at the end, it makes a unit with a person insured for
two 险种 and ten years of paid months, issues a person and a unit certificate, and saves a
单位参保关键信息变更 draft. It then times, --runs times each after two warm-up runs:

* baseline — `application_form_pdf` (打印报表 of cases/printing.py, the same WeasyPrint machinery);
* person   — `certificate_pdf` of the person certificate (template, QR code, PDF);
* unit     — `certificate_pdf` of the unit certificate;
* issue    — `certificate_issue` of a person certificate (content queries, number, audit row).

It prints the median and 90th percentile in milliseconds and each as a ratio of the baseline's
median, and whether the person certificate's median is within the 200 ms target.
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
TARGET_MS = 200.0
SITE = "http://127.0.0.1:8000/"


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
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _p90(samples: list[float]) -> float:
    return sorted(samples)[max(0, int(len(samples) * 0.9) - 1)]


def _world() -> dict[str, Any]:
    import datetime

    from yibao.cases.services import application_draft_save
    from yibao.certificates.services import certificate_issue
    from yibao.certificates.tests.helpers import months, paid
    from yibao.changes.unit_types import UNIT_KEY_INFO_CHANGE
    from yibao.core.audit import RequestOrigin
    from yibao.core.tests.factories import BindingFactory, InsuranceFactory, grant

    binding = grant(BindingFactory.create(), "unit-key-info-change", "unit-certificate", "person-certificate")
    unit, actor = binding.unit, binding.operator.user
    medical = InsuranceFactory.create(
        unit=unit, start_date=datetime.date(2016, 1, 1), first_insured_ym=201601
    )
    maternity = InsuranceFactory.create(
        unit=unit, person=medical.person, insutype="510", start_date=datetime.date(2016, 1, 1)
    )
    for insurance in (medical, maternity):
        paid(insurance, *months(201601, 120))
    application = application_draft_save(
        kind=UNIT_KEY_INFO_CHANGE, unit=unit, actor=actor,
        payload={"name": "昆明新名称科技有限公司", "emp_type": "10", "address": "昆明市盘龙区2号",
                 "legal_rep_name": "王强", "legal_rep_cert_type": "01", "legal_rep_cert_no": "110101199003070011"},
    )  # fmt: skip
    origin = RequestOrigin()
    return {
        "unit": unit,
        "actor": actor,
        "person": medical.person,
        "application": application,
        "person_certificate": certificate_issue(unit=unit, person=medical.person, actor=actor, origin=origin),
        "unit_certificate": certificate_issue(unit=unit, person=None, actor=actor, origin=origin),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--migrate", action="store_true", help="run migrations first")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    _setup_django()
    import logging

    from django.core.management import call_command
    from django.db import connection, transaction

    from yibao.cases.printing import application_form_pdf
    from yibao.certificates.printing import certificate_pdf
    from yibao.certificates.services import certificate_issue
    from yibao.core.audit import RequestOrigin

    for name in ("weasyprint", "weasyprint.progress"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    if args.migrate:
        call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; {args.runs} runs each after 2 warm-up runs")
    with transaction.atomic():
        w = _world()
        timings = {
            "baseline (application form PDF)": _timed(
                lambda: application_form_pdf(w["application"]), args.runs
            ),
            "person certificate PDF": _timed(
                lambda: certificate_pdf(w["person_certificate"], site=SITE), args.runs
            ),
            "unit certificate PDF": _timed(
                lambda: certificate_pdf(w["unit_certificate"], site=SITE), args.runs
            ),
            "issue (person, no PDF)": _timed(
                lambda: certificate_issue(
                    unit=w["unit"], person=w["person"], actor=w["actor"], origin=RequestOrigin()
                ),
                args.runs,
            ),
        }
        transaction.set_rollback(True)
    baseline = statistics.median(next(iter(timings.values())))
    print(f"{'step':34} {'median ms':>10} {'p90 ms':>8} {'× baseline':>11}")
    for name, samples in timings.items():
        median = statistics.median(samples)
        print(f"{name:34} {median:10.1f} {_p90(samples):8.1f} {median / baseline:11.2f}")
    person = statistics.median(timings["person certificate PDF"])
    verdict = "within" if person <= TARGET_MS else "OVER"
    print(f"person certificate PDF median {person:.1f} ms: {verdict} the {TARGET_MS:.0f} ms target "
          f"({person / TARGET_MS:.2f} of it)")  # fmt: skip


if __name__ == "__main__":
    main()
