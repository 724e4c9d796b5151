"""Load benchmark of the production start: gunicorn serving `config.wsgi`'s application with
DJANGO_ENV=production on PostgreSQL + Redis, a task worker beside it, and locust (headless, in a
process of its own: `bench/load_users.py`) driving it from the same machine.

    createdb -h 127.0.0.1 -U postgres yibao_load
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/yibao_load REDIS_URL=redis://127.0.0.1:6379/3
    .venv/bin/python bench/load.py --prepare                 # migrate, 1,000,000 persons, catalogues
    .venv/bin/python bench/load.py --duration 600            # the 10-minute soak

`--prepare` migrates, runs `seed_demo --persons N --showcase-persons 50000` (default N 1,000,000:
about 4.5 minutes here on PostgreSQL, migrations 10 s more; `--persons` picks another size) and
`seed_catalog --drugs 50000` unless the demo and drugs are there already, then collects the
static files (whitenoise's manifest) and vacuums and analyses the database (as autovacuum would
have). It prints how long each step took.

One run has two phases against the same server:

1. the floor: `--users` users GET `/bench/bare/` (a view that answers "ok" through the whole
   middleware stack; it exists only in `bench/load_server/urls.py`, the URLconf of the settings
   module this script starts gunicorn with, `bench/load_server/settings.py` = the production
   settings plus that URLconf) for `--floor-seconds`;
2. the mix for `--duration` seconds: anonymous visitors (portal, catalogue search and detail,
   login page) and operators (login with argon2, operator home, 职工花名册, 单位缴费信息查询,
   参保证明 PDF, 批量参保登记 upload), one visitor for two operators.

Every user runs without think time. The script prints requests/s, p50/p95/p99 and errors per
request name and in all, the CPU seconds each phase cost the web tier, the task worker,
PostgreSQL and Redis (from /proc; per request too: the capacity estimate of DEPLOY.md reads
them), the RSS of the gunicorn master, each worker and the task worker sampled
from /proc every `--sample-seconds`, and the verdicts against the targets: mix throughput ≥ 0.4×
the floor's, mix p95 ≤ 4× the floor's, no errors, the task worker's RSS and the gunicorn workers'
mean RSS within ±10 % after the warm-up (a tenth of the soak), the last quarter's mean against the
first quarter's (the workers' mean, since the production configuration recycles each worker after
1000 ± 100 requests).

The server is started with config/gunicorn.conf.py when that file exists (the repository's
production configuration) and the worker count and address given here; otherwise with explicit
flags (sync workers, 60 s timeout). `--worker-command` is the task worker (default: `rqworker`,
the queue with REDIS_URL set). Each run collects the static files and migrates first (the manifest and schema of this tree).
"""

from __future__ import annotations

import argparse
import base64
import csv
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PASSWORD = "Yibao2026demo"  # noqa: S105 - the published demo password (yibao/demo)
TARGET_THROUGHPUT = 0.4
TARGET_P95 = 4.0
TARGET_MEMORY = 0.10


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _manage(*args: str, env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603
    return time.perf_counter() - started


def _server_env(options: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="bench.load_server.settings",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def prepare(options: argparse.Namespace) -> None:
    _setup_django()
    from yibao.catalog.models import Drug
    from yibao.demo.seed import demo_exists

    print(f"migrate: {_manage('migrate', '-v0'):.0f} s")
    if not demo_exists():
        seconds = _manage("seed_demo", "--persons", str(options.persons), "--showcase-persons", "50000")
        print(f"seed_demo --persons {options.persons:,}: {seconds:.0f} s")
    else:
        print("seed_demo: the demo is there already (seed_demo --reset to start over)")
    if not Drug.objects.exists():
        print(f"seed_catalog --drugs 50000: {_manage('seed_catalog', '--drugs', '50000'):.0f} s")
    print(f"collectstatic: {_manage('collectstatic', '--noinput', '-v0', env=_server_env(options)):.0f} s")
    print(f"vacuum analyze: {_vacuum_analyze():.0f} s")


def _vacuum_analyze() -> float:
    """What autovacuum does to a live database, at once: fresh statistics and visibility maps
    (without them a bulk-loaded table gets no index-only scans: 职工花名册's count read the heap,
    57 ms instead of 17 ms for a unit of 50,000)."""
    from django.db import connection

    started = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")  # outside a transaction: Django autocommits
    return time.perf_counter() - started


# --- the fixture the locust users read ----------------------------------------------------------


def fixture_write(path: Path, *, captchas: int, expires_seconds: int) -> int:
    """Operators holding every grant the mix uses, one-time captchas with their answers (created
    here, as the login page would, but kept for the whole run), search words and a batch file."""
    _setup_django()
    import datetime

    from batch_enrollment import id_numbers, template_file  # bench/, the folder of this script
    from captcha.models import CaptchaStore
    from django.db.models import Count
    from django.utils import timezone

    from yibao.catalog.models import Drug
    from yibao.operators.models import Binding

    needed = ["roster", "unit-contributions", "unit-certificate", "employee-enrollment"]
    bindings = list(
        Binding.objects.filter(status=Binding.Status.ACTIVE, grants__item__code__in=needed)
        .annotate(held=Count("grants"))
        .filter(held__gte=len(needed))
        .values("operator__mobile", "unit_id")
        .order_by("unit_id")[:200]
    )
    if not bindings:
        sys.exit("No demo operator holds the grants of the mix: run with --prepare first.")
    expiration = timezone.now() + datetime.timedelta(seconds=expires_seconds)
    rows = []
    for _ in range(captchas):
        answer = secrets.token_hex(2)
        rows.append(
            CaptchaStore(
                challenge=answer, response=answer, hashkey=secrets.token_hex(20), expiration=expiration
            )
        )
    CaptchaStore.objects.bulk_create(rows, batch_size=5000)
    drugs = list(Drug.objects.filter(is_active=True).values_list("code", "name")[:2000])
    if not drugs:
        sys.exit("No drugs in the catalogue: run with --prepare first.")
    words = sorted({name[:2] for _, name in drugs})[:200]
    data = template_file(id_numbers(20, seed=int(time.time())), timezone.localdate())
    path.write_text(
        json.dumps(
            {
                "password": PASSWORD,
                "operators": [{"mobile": b["operator__mobile"], "unit_id": b["unit_id"]} for b in bindings],
                "captchas": [[row.hashkey, row.response] for row in rows],
                "drug_codes": [code for code, _ in drugs],
                "drug_words": words,
                "batch_file": base64.b64encode(data).decode(),
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return len(bindings)


# --- the server and its memory ------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(part) for part in text.split()]


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process (and its waited-for children) from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(value) for value in fields[11:15]) / ticks  # utime stime cutime cstime


def _pids_named(name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def cpu_snapshot(server: int, task_worker: int) -> dict[str, float]:
    """CPU seconds so far of the web tier (gunicorn master and workers), the task worker, and
    every PostgreSQL and Redis process on the machine (other users of those servers count too)."""
    web = _cpu_seconds(server) + sum(_cpu_seconds(pid) for pid in _children(server))
    return {
        "web": web,
        "task worker": _cpu_seconds(task_worker),
        "postgresql": sum(_cpu_seconds(pid) for pid in _pids_named("postgres")),
        "redis": sum(_cpu_seconds(pid) for pid in _pids_named("redis-server")),
    }


@dataclass
class MemoryLog:
    master: int
    task_worker: int
    samples: list[tuple[float, dict[str, float]]] = field(default_factory=list)
    phase: str = "floor"
    started: float = field(default_factory=time.monotonic)

    def sample(self) -> None:
        row: dict[str, float] = {}
        for label, pid in (("master", self.master), ("task worker", self.task_worker)):
            rss = _rss_mb(pid)
            if rss is not None:
                row[label] = rss
        for pid in _children(self.master):
            rss = _rss_mb(pid)
            if rss is not None:
                row[f"worker {pid}"] = rss
        self.samples.append((time.monotonic() - self.started, row))


def _sampler(log: MemoryLog, every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        log.sample()


def server_start(options: argparse.Namespace, env: dict[str, str]) -> subprocess.Popen[bytes]:
    bind = f"127.0.0.1:{options.port}"
    command = [PYTHON, "-m", "gunicorn", "config.wsgi:application", "--bind", bind]
    command += ["--workers", str(options.workers)]
    config = ROOT / "config" / "gunicorn.conf.py"
    if config.exists():
        command += ["--config", str(config)]
    else:
        command += ["--worker-class", "sync", "--timeout", "60", "--graceful-timeout", "30"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    import urllib.request

    for _ in range(120):
        time.sleep(0.5)
        try:
            request = urllib.request.Request(
                f"http://{bind}/bench/bare/", headers={"X-Forwarded-Proto": "https"}
            )
            with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 - our own server
                if answer.status == 200 and len(_children(process.pid)) >= options.workers:
                    return process
        except OSError:
            continue
    process.terminate()
    sys.exit("gunicorn did not answer on /bench/bare/ within a minute")


# --- locust ----------------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    rows: dict[str, dict[str, float]]  # request name → figures; "Aggregated" for all

    @property
    def total(self) -> dict[str, float]:
        return self.rows["Aggregated"]


def locust_run(
    options: argparse.Namespace, *, name: str, users: list[str], seconds: int, fixture: Path, folder: Path
) -> Phase:
    prefix = folder / name
    command = [
        PYTHON, "-m", "locust", "-f", str(ROOT / "bench" / "load_users.py"), "--headless",
        "--host", f"http://127.0.0.1:{options.port}", "--users", str(options.users),
        "--spawn-rate", str(options.users), "--run-time", f"{seconds}s", "--csv", str(prefix),
        "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10", *users,
    ]  # fmt: skip
    env = {**os.environ, "YIBAO_LOAD_FIXTURE": str(fixture), "PYTHONPATH": str(ROOT)}
    subprocess.run(command, cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL)  # noqa: S603
    rows: dict[str, dict[str, float]] = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            rows[row["Name"]] = {
                "requests": float(row["Request Count"]),
                "failures": float(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0),
            }
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        lines = failures.read_text(encoding="utf-8").splitlines()[1:]
        for line in lines[:10]:
            print(f"  failure: {line}")
    return Phase(name, rows)


def _phase_table(phase: Phase) -> None:
    print(
        f"\n{phase.name}: {'request':<22} {'count':>8} {'errors':>7} {'req/s':>8} {'p50':>6} {'p95':>6} {'p99':>6} ms"
    )
    for label, row in sorted(phase.rows.items(), key=lambda item: (item[0] == "Aggregated", item[0])):
        print(
            f"  {label:<{len(phase.name) + 21}} {row['requests']:>8.0f} {row['failures']:>7.0f} "
            f"{row['rps']:>8.1f} {row['p50']:>6.0f} {row['p95']:>6.0f} {row['p99']:>6.0f}"
        )


def _memory_report(log: MemoryLog, soak_start: float, duration: int) -> list[tuple[str, float]]:
    """The memory table over time, and the drift after the warm-up (a tenth of the soak), from the
    mean of the first quarter of the samples to the mean of the last quarter, of: the master, the
    task worker, and the mean RSS of the gunicorn workers (which the production configuration
    replaces after 1000 ± 100 requests: each worker grows while it renders PDFs and spreadsheets
    and is replaced, a saw-tooth whose level, not one sample, says whether memory is flat)."""
    labels = sorted(
        {label for _, row in log.samples for label in row}, key=lambda x: (x.startswith("worker"), x)
    )
    print(
        f"\nmemory (RSS, MB): {'t (s)':>6} {'workers mean':>13} " + " ".join(f"{x[:14]:>14}" for x in labels)
    )
    for seconds, row in log.samples:
        workers = [value for label, value in row.items() if label.startswith("worker")]
        mean = statistics.mean(workers) if workers else 0.0
        cells = " ".join(f"{row[label]:>14.1f}" if label in row else f"{'-':>14}" for label in labels)
        print(f"  {' ' * 15}{seconds:>6.0f} {mean:>13.1f} {cells}")
    warm = soak_start + duration / 10
    series: dict[str, list[float]] = {"master": [], "task worker": [], "workers mean": []}
    for t, row in log.samples:
        if t < warm:
            continue
        for label in ("master", "task worker"):
            if label in row:
                series[label].append(row[label])
        workers = [value for label, value in row.items() if label.startswith("worker")]
        if workers:
            series["workers mean"].append(statistics.mean(workers))
    peak = max(
        (value for _, row in log.samples for label, value in row.items() if label.startswith("worker")),
        default=0,
    )
    print(f"  the largest worker RSS seen: {peak:.0f} MB")
    drifts = []
    for label, values in series.items():
        quarter = len(values) // 4
        if quarter and statistics.mean(values[:quarter]):
            first, last = statistics.mean(values[:quarter]), statistics.mean(values[-quarter:])
            drifts.append((label, (last - first) / first))
    return drifts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--prepare", action="store_true", help="migrate, seed the demo and catalogues, collect static"
    )
    parser.add_argument("--persons", type=int, default=1_000_000, help="demo size for --prepare (1,000,000)")
    parser.add_argument("--duration", type=int, default=600, help="seconds of the mix (the soak), 600")
    parser.add_argument("--floor-seconds", type=int, default=60, help="seconds of the bare view, 60")
    parser.add_argument("--users", type=int, default=24, help="concurrent users, 24")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers, 3")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--sample-seconds", type=float, default=10.0)
    parser.add_argument(
        "--worker-command",
        default="manage.py rqworker --with-scheduler sms default",
        help="the task worker, run with the server's environment (with REDIS_URL the queue is RQ's)",
    )
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the production start runs on both.")
    if options.prepare:
        prepare(options)
        return

    env = _server_env(options)
    # The hashed static files' manifest of this tree (whitenoise refuses a page naming a file the
    # manifest lacks): a few seconds, and the server never runs on another tree's.
    print(f"collectstatic: {_manage('collectstatic', '--noinput', '-v0', env=env):.0f} s")
    print(f"migrate: {_manage('migrate', '-v0'):.0f} s")  # a database prepared by an older tree
    folder = Path(tempfile.mkdtemp(prefix="yibao-load-"))
    fixture = folder / "fixture.json"
    operators = fixture_write(
        fixture, captchas=max(2000, options.duration * 20), expires_seconds=options.duration + 3600
    )
    print(f"database: {os.environ['DATABASE_URL'].rsplit('@', 1)[-1]}; redis: {os.environ['REDIS_URL']}")
    print(
        f"gunicorn workers: {options.workers}; users: {options.users}; operators in the fixture: {operators}"
    )
    print(f"floor {options.floor_seconds} s, then the mix {options.duration} s; CSV files in {folder}")

    server = server_start(options, env)
    task_worker = subprocess.Popen([PYTHON, *options.worker_command.split()], cwd=ROOT, env=env)  # noqa: S603
    log = MemoryLog(master=server.pid, task_worker=task_worker.pid)
    stop = threading.Event()
    log.sample()
    sampler = threading.Thread(target=_sampler, args=(log, options.sample_seconds, stop), daemon=True)
    sampler.start()
    cpu: dict[str, dict[str, float]] = {}
    try:
        before = cpu_snapshot(server.pid, task_worker.pid)
        floor = locust_run(
            options, name="floor", users=["BareUser"], seconds=options.floor_seconds, fixture=fixture,
            folder=folder,
        )  # fmt: skip
        middle = cpu_snapshot(server.pid, task_worker.pid)
        soak_start = time.monotonic() - log.started
        mix = locust_run(
            options, name="mix", users=["Visitor", "Operator"], seconds=options.duration, fixture=fixture,
            folder=folder,
        )  # fmt: skip
        after = cpu_snapshot(server.pid, task_worker.pid)
        cpu = {
            "floor": {key: middle[key] - before[key] for key in before},
            "mix": {key: after[key] - middle[key] for key in before},
        }
    finally:
        stop.set()
        log.sample()
        for process in (server, task_worker):
            process.send_signal(signal.SIGTERM)
        for process in (server, task_worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    _phase_table(floor)
    _phase_table(mix)
    drifts = _memory_report(log, soak_start, options.duration)
    print("\nCPU seconds per phase (and CPU milliseconds per request):")
    for phase in (floor, mix):
        spent = cpu[phase.name]
        count = phase.total["requests"] or 1
        cells = "  ".join(
            f"{key} {value:.1f} s ({value / count * 1000:.1f} ms)" for key, value in spent.items()
        )
        print(f"  {phase.name:<6} {cells}")

    throughput = mix.total["rps"] / floor.total["rps"] if floor.total["rps"] else 0.0
    p95 = mix.total["p95"] / floor.total["p95"] if floor.total["p95"] else float("inf")
    errors = int(mix.total["failures"] + floor.total["failures"])
    flat = bool(drifts) and all(abs(d) <= TARGET_MEMORY for label, d in drifts if label != "master")
    print("\nverdicts:")
    print(
        f"  throughput  mix {mix.total['rps']:.1f} req/s / floor {floor.total['rps']:.1f} req/s = "
        f"{throughput:.2f}× (target ≥ {TARGET_THROUGHPUT}×) {'ok' if throughput >= TARGET_THROUGHPUT else 'MISSED'}"
    )
    print(
        f"  p95         mix {mix.total['p95']:.0f} ms / floor {floor.total['p95']:.0f} ms = {p95:.1f}× "
        f"(target ≤ {TARGET_P95:.0f}×) {'ok' if p95 <= TARGET_P95 else 'MISSED'}"
    )
    print(f"  errors      {errors} {'ok' if errors == 0 else 'MISSED'}")
    drift_text = ", ".join(f"{label} {d:+.1%}" for label, d in drifts)
    print(
        f"  memory      {drift_text} over the soak after warm-up (target ±{TARGET_MEMORY:.0%}) "
        f"{'ok' if flat else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
