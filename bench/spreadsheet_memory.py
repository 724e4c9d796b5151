"""Benchmark of a batch worker's memory (issue #14): what the largest allowed files cost.

    export YIBAO_SQLITE_PATH=/tmp/yibao-memory-bench.sqlite3      # a separate file
    .venv/bin/python bench/spreadsheet_memory.py --migrate

For each file it starts a fresh worker process that runs the 批量参保登记 task
(`batch_import_run`: read, validate, store the line items) on it, and prints the process's memory
before the task, its peak (VmHWM, Linux) and the outcome:

* valid      — the template filled with --rows valid persons (the largest file a unit may send);
* long text  — cells of 1,000 random characters (each unique, so nothing is shared) filling
               the template's columns up to the expanded limit at an honest compression ratio;
* far cell   — a few rows and one value in column XFD (a dense reader allocates every column);
* far row    — a value in row 1,048,576 (a dense reader allocates every row between);
* no refs    — cells without their `r` attribute, which readers place one after another.

The target: every worker stays under TARGET_PEAK_MB. The figures are also shown as the ratio of
the worker's growth to the valid file's, which holds on a noisy machine.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
TARGET_PEAK_MB = 300.0


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc (Linux): VmRSS now, VmHWM its peak. Unlike
    ru_maxrss, VmHWM starts afresh in a new program instead of keeping the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def rss_mb() -> float:
    return _status_mb("VmRSS")


def peak_mb() -> float:
    return _status_mb("VmHWM")


def _header(sheet: Any) -> None:
    from yibao.enrollment.sheets import COLUMNS

    sheet.write_row(0, 0, [f"*{c.title}" if c.required else c.title for c in COLUMNS])


def long_text_file() -> bytes:
    """Rows of long unique texts (1,000 characters drawn from two), in the template's columns, up
    to what the archive checks let through: the expanded limit, the upload limit, a ratio that
    passes (about 20 here)."""
    import xlsxwriter
    from django.conf import settings

    from yibao.core.spreadsheets.archive import MAX_UNCOMPRESSED
    from yibao.enrollment.sheets import COLUMNS, SHEET

    target = min(MAX_UNCOMPRESSED, 12 * int(settings.YIBAO_UPLOAD_MAX_BYTES)) * 0.95
    cells = int(target / 3_040)  # a cell: 3,000 bytes of text and its XML
    rng = random.Random(7)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet(SHEET)
    _header(sheet)
    width = len(COLUMNS)
    for n in range(cells):
        text = "".join(rng.choice("甲乙") for _ in range(1_000))
        sheet.write_string(1 + n // width, n % width, text)
    book.close()
    return buffer.getvalue()


def far_cell_file(rows: int) -> bytes:
    import xlsxwriter

    from yibao.enrollment.sheets import SHEET

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet(SHEET)
    _header(sheet)
    for n in range(1, rows + 1):
        sheet.write_string(n, 1, f"{n:018d}")
    sheet.write_string(1, 16_383, "x")  # column XFD
    book.close()
    return buffer.getvalue()


def far_row_file() -> bytes:
    import xlsxwriter

    from yibao.enrollment.sheets import SHEET

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(SHEET)
    _header(sheet)
    sheet.write_string(1, 1, "110101199003070011")
    sheet.write_string(1_048_575, 1, "110101199003070011")
    book.close()
    return buffer.getvalue()


def no_refs_file(rows: int) -> bytes:
    """A hand-made sheet: the second row has 16,384 cells without `r`, the others one each."""
    from yibao.enrollment.sheets import COLUMNS, SHEET

    wide = "".join(f"<c t='inlineStr'><is><t>{n}</t></is></c>" for n in range(16_384))
    header = "".join(f"<c t='inlineStr'><is><t>{c.title}</t></is></c>" for c in COLUMNS)
    body = [f"<row>{header}</row>", f"<row>{wide}</row>"]
    body += [f"<row><c t='inlineStr'><is><t>{n * 7919 % 100_003}</t></is></c></row>" for n in range(rows)]
    sheet_xml = (
        "<?xml version='1.0' encoding='UTF-8'?><worksheet "
        "xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'><sheetData>"
        + "".join(body)
        + "</sheetData></worksheet>"
    )
    parts = {
        "[Content_Types].xml": (
            "<?xml version='1.0' encoding='UTF-8'?><Types "
            "xmlns='http://schemas.openxmlformats.org/package/2006/content-types'>"
            "<Default Extension='rels' ContentType='application/vnd.openxmlformats-package.relationships+xml'/>"
            "<Default Extension='xml' ContentType='application/xml'/>"
            "<Override PartName='/xl/workbook.xml' ContentType='application/vnd.openxmlformats-officedocument."
            "spreadsheetml.sheet.main+xml'/><Override PartName='/xl/worksheets/sheet1.xml' ContentType="
            "'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml'/></Types>"
        ),
        "_rels/.rels": (
            "<?xml version='1.0' encoding='UTF-8'?><Relationships "
            "xmlns='http://schemas.openxmlformats.org/package/2006/relationships'><Relationship Id='rId1' "
            "Type='http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument' "
            "Target='xl/workbook.xml'/></Relationships>"
        ),
        "xl/workbook.xml": (
            "<?xml version='1.0' encoding='UTF-8'?><workbook "
            "xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main' "
            "xmlns:r='http://schemas.openxmlformats.org/officeDocument/2006/relationships'><sheets>"
            f"<sheet name='{SHEET}' sheetId='1' r:id='rId1'/></sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            "<?xml version='1.0' encoding='UTF-8'?><Relationships "
            "xmlns='http://schemas.openxmlformats.org/package/2006/relationships'><Relationship Id='rId1' "
            "Type='http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet' "
            "Target='worksheets/sheet1.xml'/></Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def write_files(folder: Path, rows: int) -> None:
    from batch_enrollment import id_numbers, template_file
    from django.utils import timezone

    start = timezone.localdate().replace(day=1)
    files = {
        "valid": template_file(id_numbers(rows, seed=time.time_ns()), start),
        "long text": long_text_file(),
        "far cell": far_cell_file(1_000),
        "far row": far_row_file(),
        "no refs": no_refs_file(rows),
    }
    for name, data in files.items():
        (folder / f"{name}.xlsx").write_bytes(data)


def expanded_mb(data: bytes) -> float:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist()) / 1e6


def queue_import(path: Path, unit: Any, user: Any) -> int:
    """A queued import of the file, as the upload page leaves it for the worker."""
    from django.core.files.base import ContentFile

    from yibao.enrollment.models import BatchImport

    batch = BatchImport(unit=unit, created_by=user, original_name=path.name)
    batch.file.save("import.xlsx", ContentFile(path.read_bytes()), save=False)
    batch.save()
    return batch.pk


def run_worker(batch_id: int) -> dict[str, Any]:
    """In this fresh process, as a worker runs it: the import task on one queued file."""
    from yibao.enrollment.batch_import import batch_import_run
    from yibao.enrollment.models import BatchImport

    before = rss_mb()
    started = time.perf_counter()
    try:
        batch_import_run.call(batch_id)
    except Exception as exc:
        outcome = f"worker error {type(exc).__name__}"
    else:
        batch = BatchImport.objects.get(pk=batch_id)
        outcome = f"{batch.status}: {batch.error or f'{batch.passed:,} passed, {batch.failed:,} failed'}"
    seconds = time.perf_counter() - started
    return {"before": before, "peak": peak_mb(), "seconds": seconds, "outcome": outcome}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, help="rows of the valid file (default: the allowed maximum)")
    parser.add_argument("--migrate", action="store_true", help="run migrations first")
    parser.add_argument("--write-files", metavar="DIR", help=argparse.SUPPRESS)
    parser.add_argument("--worker", type=int, metavar="BATCH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    _setup_django()
    from yibao.enrollment.batch_import import max_rows

    rows = args.rows or max_rows()
    if args.write_files:
        write_files(Path(args.write_files), rows)
        return
    if args.worker:
        print(json.dumps(run_worker(args.worker)))
        return

    from batch_enrollment import cleanup, make_unit
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from yibao.core.tests.factories import BindingFactory, grant
    from yibao.enrollment.models import BatchImport

    if args.migrate:
        call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; allowed rows {max_rows():,}; valid file {rows:,} rows")
    me = [sys.executable, __file__, "--rows", str(rows)]
    results: list[tuple[str, float, float, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="yibao-memory-") as folder:
        subprocess.run([*me, "--write-files", folder], check=True)  # noqa: S603 - this script
        unit, policy = make_unit(timezone.localdate())
        user = grant(BindingFactory.create(unit=unit), "employee-enrollment").operator.user
        try:
            for name in ("valid", "long text", "far cell", "far row", "no refs"):
                path = Path(folder, f"{name}.xlsx")
                data = path.read_bytes()
                batch_id = queue_import(path, unit, user)
                child = subprocess.run(  # noqa: S603 - this script with our own arguments
                    [*me, "--worker", str(batch_id)],
                    check=False, capture_output=True, text=True,
                )  # fmt: skip
                if child.returncode != 0:  # killed (out of memory) or crashed: say how
                    tail = (child.stderr.strip().splitlines() or [f"exit {child.returncode}"])[-1]
                    result: dict[str, Any] = {
                        "before": 0.0,
                        "peak": float("nan"),
                        "seconds": 0.0,
                        "outcome": f"worker died: {tail}",
                    }
                else:
                    result = json.loads(child.stdout.strip().splitlines()[-1])
                BatchImport.objects.get(pk=batch_id).file.delete(save=False)
                results.append((name, len(data) / 1e6, expanded_mb(data), result))
        finally:
            cleanup(unit, policy)
    growth_valid = results[0][3]["peak"] - results[0][3]["before"]
    print(
        f"{'file':<10} {'size':>8} {'expanded':>9} {'worker before → peak':>22} {'growth/valid':>13}  outcome"
    )
    worst = 0.0
    for name, size, expanded, result in results:
        growth = result["peak"] - result["before"]
        worst = max(worst, result["peak"])
        print(f"{name:<10} {size:>6.1f}MB {expanded:>7.1f}MB {result['before']:>9.0f} → {result['peak']:>4.0f} MB"
              f" {growth / growth_valid:>12.2f}×  {result['outcome'][:90]} ({result['seconds']:.1f} s)")  # fmt: skip
    verdict = "met" if worst < TARGET_PEAK_MB else "NOT met"
    print(f"highest worker peak {worst:.0f} MB; target < {TARGET_PEAK_MB:.0f} MB: {verdict}")


if __name__ == "__main__":
    main()
