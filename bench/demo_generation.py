"""Benchmark of the demo-data load (`manage.py seed_demo --reset`) on the configured database.

    .venv/bin/python bench/demo_generation.py --persons 100000

    export YIBAO_SQLITE_PATH=/tmp/yibao-bench.sqlite3   # a separate file, created by --migrate
    .venv/bin/python bench/demo_generation.py --migrate --persons 1000000

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/yibao_bench   # migrated beforehand
    .venv/bin/python bench/demo_generation.py --persons 100000

Runs the same service the command runs, then prints the time and rate of each stage, the rows in
each table and the size of the database (SQLite: the file with its -wal and -shm; PostgreSQL:
pg_database_size).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _database_size() -> tuple[str, int]:
    from django.db import connection

    if connection.vendor == "sqlite":
        path = Path(str(connection.settings_dict["NAME"]))
        files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
        return str(path), sum(f.stat().st_size for f in files if f.exists())
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), pg_database_size(current_database())")
        name, size = cursor.fetchone()
    return str(name), int(size)


def _table_counts() -> dict[str, int]:
    from yibao.accounts.models import User
    from yibao.contributions.models import Contribution
    from yibao.enrollment.models import Insurance, Person
    from yibao.notices.models import Notice
    from yibao.operators.models import Binding, Operator
    from yibao.units.models import Unit

    models: list[Any] = [User, Unit, Operator, Binding, Person, Insurance, Contribution, Notice]
    return {m._meta.db_table: m.objects.count() for m in models}


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=None)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--defer-indexes", choices=["auto", "always", "never"], default="auto")
    parser.add_argument(
        "--migrate", action="store_true", help="run migrations first (for a new database file)"
    )
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)

    _setup_django()
    from django.core.management import call_command
    from django.db import connection

    from yibao.demo.seed import SeedOptions, demo_seed

    if args.migrate:
        call_command("migrate", verbosity=0)
    name, size_before = _database_size()
    print(f"database: {connection.vendor} {name} ({_mib(size_before)} before)")
    print(f"seed_demo --reset --persons {args.persons:,} --months {args.months} --seed {args.seed}")

    started = time.perf_counter()
    result = demo_seed(
        SeedOptions(
            persons=args.persons,
            units=args.units,
            months=args.months,
            seed=args.seed,
            reset=True,
            defer_indexes=args.defer_indexes,
        ),
        report=lambda line: print(line, flush=True) if not line.startswith("  ") else None,
    )
    total = time.perf_counter() - started
    # Let SQLite fold its log into the file before measuring (the command does this on exit too).
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _, size_after = _database_size()
    counts = _table_counts()

    print()
    print(f"{'stage':<28} {'seconds':>9} {'rows':>13} {'rows/s':>12}")
    for stage in result.stages:
        rate = f"{stage.rate:,.0f}" if stage.rows else "-"
        print(f"{stage.name:<28} {stage.seconds:>9.1f} {stage.rows:>13,} {rate:>12}  {stage.detail}")
    print(f"{'total (wall)':<28} {total:>9.1f}")
    print()
    for table, count in counts.items():
        print(f"{table:<32} {count:>13,}")
    print(f"{'all rows':<32} {sum(counts.values()):>13,}")
    print(f"database size: {_mib(size_after)}")

    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "vendor": connection.vendor,
                    "persons": args.persons,
                    "months": args.months,
                    "stages": [
                        {"name": s.name, "seconds": s.seconds, "rows": s.rows, "detail": s.detail}
                        for s in result.stages
                    ],
                    "total_seconds": total,
                    "counts": counts,
                    "database_bytes": size_after,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
