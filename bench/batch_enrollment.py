"""Benchmark of 批量参保登记 (issue #6): a 50,000-row file read, validated and applied.

    export YIBAO_SQLITE_PATH=/tmp/yibao-batch-bench.sqlite3        # a separate file
    .venv/bin/python bench/batch_enrollment.py --migrate

    createdb -h 127.0.0.1 -U postgres yibao_batch_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yibao_batch_bench \\
        .venv/bin/python bench/batch_enrollment.py --migrate
    dropdb -h 127.0.0.1 -U postgres yibao_batch_bench

It writes a valid template file of --rows rows and one with 2 % bad rows, creates a unit (in
530112, with a RegionPolicy for this year when there is none), then times:

* read + validate — `read_enrollment_file` and `batch_validate` on both files;
* background      — the worker's task on the valid file, as the hall runs it: read, validate
  and store the line items of the draft application (the wait the user sees);
* apply           — `batch_apply` of the valid file for the fresh unit;
* naive           — openpyxl `load_workbook` of the whole file, then per row: the same row rules,
  one query for the person, one for the active insurances and one ORM `save()` per person,
  insurance and change, for a sample of --sample rows, extrapolated to --rows (said in the output).

It prints rows per second, the process's peak memory (ru_maxrss) after each step, query counts
and the ratio naive / fast, then deletes everything it created.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_VALIDATE_S = 5.0
TARGET_APPLY_S = 10.0
TARGET_MEMORY_MB = 400.0
TARGET_RATIO = 20.0
PLACE = "530112"


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def id_numbers(count: int, *, seed: int) -> list[str]:
    """`count` distinct valid ID numbers as a real workforce has them: birth dates spread over
    1966–2005 and six counties of Kunming (the ID check cannot lean on repeated dates)."""
    from yibao.demo.numbers import make_id_number

    rng = random.Random(seed)
    places = ("530102", "530103", "530111", "530112", "530113", "530114")
    first = datetime.date(1966, 1, 1).toordinal()
    last = datetime.date(2005, 12, 31).toordinal()
    found: dict[str, None] = {}
    while len(found) < count:
        birth = datetime.date.fromordinal(rng.randint(first, last))
        found[make_id_number(rng.choice(places), birth, rng.randint(0, 999))] = None
    return list(found)


def template_file(ids: list[str], start: datetime.date, *, bad_every: int = 0) -> bytes:
    """A filled template; with `bad_every`, one row in that many is wrong (in four ways)."""
    import xlsxwriter

    from yibao.demo.numbers import numbered_name
    from yibao.enrollment.sheets import COLUMNS, SHEET

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet(SHEET)
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, [f"*{c.title}" if c.required else c.title for c in COLUMNS])
    start_at = datetime.datetime.combine(start, datetime.time())
    work = datetime.datetime.combine(datetime.date(2015, 7, 1), datetime.time())
    for n, cert_no in enumerate(ids, start=1):
        base: Any = 4400 + (n % 100) * 100
        start_cell: Any = start_at
        if bad_every and n % bad_every == 0:
            kind = (n // bad_every) % 4
            if kind == 0:
                base = 100  # below the floor
            elif kind == 1:
                cert_no = ids[n - 2]  # the previous row's ID
            elif kind == 2:
                cert_no = cert_no[:17] + ("0" if cert_no[17] != "0" else "1")  # wrong check digit
            else:
                start_cell = "下个月"
        sheet.write_string(n, 0, "01 居民身份证(户口簿)")
        sheet.write_string(n, 1, cert_no)
        sheet.write_string(n, 2, numbered_name("职工", n))
        sheet.write_string(n, 5, "01 汉族")
        sheet.write_string(n, 6, "CHN")
        sheet.write_string(n, 7, f"139{n:08d}")
        sheet.write_string(n, 8, "云南省昆明市西山区滇池路1号")
        sheet.write_datetime(n, 9, work, day)
        sheet.write_string(n, 10, "1101 职工在职")
        sheet.write_string(n, 11, "1 合同制")
        sheet.write_string(n, 12, "310,510")
        if isinstance(start_cell, str):
            sheet.write_string(n, 13, start_cell)
        else:
            sheet.write_datetime(n, 13, start_cell, day)
        sheet.write_number(n, 14, base)
    book.close()
    return buffer.getvalue()


def write_files(folder: Path, *, rows: int, sample: int) -> None:
    """The three files of a run: valid, 2 % bad, and the naive way's (fresh IDs every run)."""
    from django.utils import timezone

    start = timezone.localdate().replace(day=1)
    ids = id_numbers(rows + sample, seed=time.time_ns())
    (folder / "good.xlsx").write_bytes(template_file(ids[:rows], start))
    (folder / "bad.xlsx").write_bytes(template_file(ids[:rows], start, bad_every=50))
    (folder / "naive.xlsx").write_bytes(template_file(ids[rows:] + ids[: rows - sample], start))


def make_unit(today: datetime.date) -> tuple[Any, Any]:
    from yibao.core.tests.factories import UnitFactory
    from yibao.enrollment.models import RegionPolicy

    stamp = time.time_ns() // 1000 % 1_000_000_000
    unit = UnitFactory.create(division_id=PLACE, emp_no=f"BENCH{stamp:09d}")
    policy = None
    if not RegionPolicy.objects.filter(division_id=PLACE, year=today.year).exists():
        policy = RegionPolicy.objects.create(
            division_id=PLACE, year=today.year, insutypes=["310", "510"], base_floor=4400, base_cap=22000
        )
    return unit, policy


def cleanup(unit: Any, policy: Any) -> None:
    from django.db import connection, transaction

    from yibao.accounts.models import User
    from yibao.cases.models import Application, Event, LineItem
    from yibao.enrollment.models import BatchImport, Insurance, Person, PersonnelChange
    from yibao.operators.models import Binding, Operator

    with transaction.atomic():
        applications = Application.objects.filter(unit=unit)
        LineItem.objects.filter(application__in=applications)._raw_delete(connection.alias)
        Event.objects.filter(application__in=applications).delete()
        BatchImport.objects.filter(unit=unit).delete()
        applications.delete()
        operators = list(Binding.objects.filter(unit=unit).values_list("operator_id", flat=True))
        users = list(Operator.objects.filter(pk__in=operators).values_list("user_id", flat=True))
        Binding.objects.filter(unit=unit).delete()
        Operator.objects.filter(pk__in=operators).delete()
        User.objects.filter(pk__in=users).delete()
        person_ids = list(Insurance.objects.filter(unit=unit).values_list("person_id", flat=True).distinct())
        PersonnelChange.objects.filter(unit=unit)._raw_delete(connection.alias)
        Insurance.objects.filter(unit=unit)._raw_delete(connection.alias)
        for start in range(0, len(person_ids), 900):
            Person.objects.filter(pk__in=person_ids[start : start + 900])._raw_delete(connection.alias)
        account = unit.account
        unit.delete()
        account.delete()
        if policy is not None:
            policy.delete()


class Queries:
    """Counts the queries of a block (without keeping their SQL, which would cost memory)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def fast(data: bytes, unit: Any, today: datetime.date, rows: int) -> tuple[float, int, Any]:
    from django.db import connection

    from yibao.enrollment.batch import batch_validate
    from yibao.enrollment.sheets import read_enrollment_file

    queries = Queries()
    started = time.perf_counter()
    with connection.execute_wrapper(queries):
        read = read_enrollment_file(data, max_rows=rows)
        assert read.ok, read.error
        result = batch_validate(unit=unit, rows=read.rows, today=today)
    return time.perf_counter() - started, queries.count, result


def background(data: bytes, unit: Any) -> tuple[float, int, Any]:
    """批量导入 as the hall runs it: the task reads, validates and stores the 50,000 line items of
    the draft application (what the user waits for), through the same code as the worker."""
    from django.core.files.base import ContentFile
    from django.db import connection

    from yibao.core.tests.factories import BindingFactory, grant
    from yibao.enrollment.batch_import import batch_import_run
    from yibao.enrollment.models import BatchImport

    binding = grant(BindingFactory.create(unit=unit), "employee-enrollment")
    batch = BatchImport(unit=unit, created_by=binding.operator.user, original_name="bench.xlsx")
    batch.file.save("import.xlsx", ContentFile(data), save=False)
    batch.save()
    queries = Queries()
    started = time.perf_counter()
    with connection.execute_wrapper(queries):
        batch_import_run.call(batch.pk)
    seconds = time.perf_counter() - started
    batch.refresh_from_db()
    batch.file.delete(save=False)
    return seconds, queries.count, batch


def naive(data: bytes, unit: Any, today: datetime.date, sample: int) -> tuple[float, float, int]:
    """openpyxl + one ORM save per row: (load seconds, seconds per row, queries in the sample)."""
    import openpyxl
    from django.db import connection

    from yibao.enrollment.models import Insurance, Person, PersonnelChange
    from yibao.enrollment.policies import limits_for
    from yibao.enrollment.rules import EnrollmentRow, parse_base, row_problems

    started = time.perf_counter()
    book = openpyxl.load_workbook(io.BytesIO(data))
    table = [list(r) for r in book.active.iter_rows(min_row=2, values_only=True)]
    loaded = time.perf_counter() - started

    queries = Queries()
    started = time.perf_counter()
    with connection.execute_wrapper(queries):
        limits = limits_for(unit.division_id, today)
        for n, cells in enumerate(table[:sample]):
            row = EnrollmentRow(
                cert_type=str(cells[0]).split()[0], cert_no=str(cells[1]), name=str(cells[2]),
                nation=str(cells[5]).split()[0], mobile=str(cells[7]), address=str(cells[8]),
                first_work_date=cells[9].date(), psn_type=str(cells[10]).split()[0],
                emp_form=str(cells[11]).split()[0], insutypes=tuple(str(cells[12]).split(",")),
                start_date=cells[13].date(), base=parse_base(cells[14]),
            )  # fmt: skip
            if row_problems(row, limits):
                continue
            if Person.objects.filter(cert_type=row.cert_type, cert_no=row.cert_no).exists():
                continue
            assert row.birth_date is not None and row.start_date is not None and row.base is not None
            person = Person(
                psn_no=f"BENCHNAIVE{n:08d}", cert_type=row.cert_type, cert_no=row.cert_no, name=row.name,
                gender=row.gender, birth_date=row.birth_date, nation=row.nation, mobile=row.mobile,
                address=row.address, first_work_date=row.first_work_date,
            )  # fmt: skip
            person.save()
            for insutype in row.insutypes:
                if Insurance.objects.filter(person=person, insutype=insutype, status="1").exists():
                    continue
                Insurance(
                    person=person, unit=unit, insutype=insutype, psn_type=row.psn_type, emp_form=row.emp_form,
                    start_date=row.start_date, first_insured_ym=row.start_date.year * 100 + row.start_date.month,
                    base=row.base,
                ).save()  # fmt: skip
            PersonnelChange(
                unit=unit,
                person=person,
                kind="add",
                insutypes=",".join(row.insutypes),
                effective_date=row.start_date,
            ).save()
    per_row = (time.perf_counter() - started) / sample
    return loaded, per_row, queries.count


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--sample", type=int, default=2_000, help="rows done the naive way")
    parser.add_argument("--migrate", action="store_true", help="run migrations first")
    parser.add_argument("--write-files", metavar="DIR", help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    _setup_django()
    if args.write_files:
        write_files(Path(args.write_files), rows=args.rows, sample=args.sample)
        return
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from yibao.enrollment.batch import batch_apply

    if args.migrate:
        call_command("migrate", verbosity=0)
    today = timezone.localdate()
    start = today.replace(day=1)
    print(f"database: {connection.vendor}; {args.rows:,} rows; python {sys.version.split()[0]}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="yibao-bench-") as folder:
        # Written by a child process, so that the peak memory printed is the import's own.
        subprocess.run(  # noqa: S603 - this script with our own arguments
            [
                sys.executable,
                __file__,
                "--write-files",
                folder,
                "--rows",
                str(args.rows),
                "--sample",
                str(args.sample),
            ],
            check=True,
        )
        good, bad, naive_file = (
            Path(folder, name).read_bytes() for name in ("good.xlsx", "bad.xlsx", "naive.xlsx")
        )
    print(f"files written in {time.perf_counter() - started:.1f} s (child process): valid {len(good) / 1e6:.1f} MB, "
          f"2 % bad {len(bad) / 1e6:.1f} MB")  # fmt: skip
    print(f"peak memory before the work: {peak_mb():.0f} MB")

    unit, policy = make_unit(today)
    import_unit, _ = make_unit(today)  # the background import's draft: apply enrolls `unit`
    try:
        seconds, queries, result = fast(bad, unit, today, args.rows)
        print(f"read+validate (2 % bad): {seconds:.2f} s, {args.rows / seconds:,.0f} rows/s, {queries} queries, "
              f"{len(result.passed):,} passed, {len(result.failed):,} failed; peak {peak_mb():.0f} MB")  # fmt: skip
        example = result.failed[0]
        print(f"    e.g. row {example.row}: {example.problems[0].column}：{example.problems[0].message}")
        del result

        import_s, import_queries, batch = background(good, import_unit)
        assert batch.status == "done" and batch.passed == args.rows, (batch.status, batch.error)
        print(f"background import:       {import_s:.2f} s (read, validate and store {batch.passed:,} line items "
              f"of the draft application), {import_queries} queries; peak {peak_mb():.0f} MB")  # fmt: skip

        validate_s, queries, result = fast(good, unit, today, args.rows)
        assert result.ok, result.failed[:1]
        print(f"read+validate (valid):   {validate_s:.2f} s, {args.rows / validate_s:,.0f} rows/s, "
              f"{queries} queries; peak {peak_mb():.0f} MB")  # fmt: skip

        counter = Queries()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            enrolled = batch_apply(unit=unit, rows=[r.data for r in result.passed], effective_date=start)
        apply_s = time.perf_counter() - started
        print(f"apply:                   {apply_s:.2f} s, {enrolled / apply_s:,.0f} rows/s, {counter.count} queries "
              f"({enrolled:,} persons, {2 * enrolled:,} insurances, {enrolled:,} changes); peak {peak_mb():.0f} MB")  # fmt: skip
        fast_peak = peak_mb()
        del result

        loaded, per_row, naive_queries = naive(naive_file, unit, today, args.sample)
        naive_total = loaded + per_row * args.rows
        fast_total = validate_s + apply_s
        print(f"naive: openpyxl load of the whole file {loaded:.2f} s; validate+save per row for a sample of "
              f"{args.sample:,} rows {per_row * 1000:.2f} ms/row ({naive_queries / args.sample:.1f} queries/row), "
              f"extrapolated to {args.rows:,} rows: {naive_total:.1f} s")  # fmt: skip
        print(f"fast total {fast_total:.2f} s vs naive {naive_total:.1f} s (extrapolated): "
              f"{naive_total / fast_total:.1f}× faster")  # fmt: skip
        checks = [
            ("validation ≤ 5 s", validate_s <= TARGET_VALIDATE_S),
            ("apply ≤ 10 s", apply_s <= TARGET_APPLY_S),
            ("peak memory ≤ 400 MB (fast path)", fast_peak <= TARGET_MEMORY_MB),
            ("≥ 20× faster than naive", naive_total / fast_total >= TARGET_RATIO),
        ]
        print("targets: " + "; ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in checks))
    finally:
        cleanup(import_unit, None)
        cleanup(unit, policy)
        print("cleaned up: the unit, its policy (if created), persons, insurances and changes deleted")


if __name__ == "__main__":
    main()
