"""Demonstration: PostgreSQL restarting under load while the production start serves.

Starts `scripts/serve.sh` (gunicorn, DJANGO_ENV=production) on a spare port against DATABASE_URL,
keeps THREADS clients requesting pages that read the database (as the TLS proxy would send them:
X-Forwarded-Proto https), restarts the PostgreSQL cluster in the middle (`pg_ctlcluster VERSION
main restart`, or --restart-command) and prints, second by second, what the clients got. The hall
passes when every answer was 200 or a clean 503 «系统繁忙» (no 500, no dropped connection) and
the answers are 200 again after the restart.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yibao_serve \\
        .venv/bin/python manage.py migrate            # once, on a database of its own
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yibao_serve \\
        .venv/bin/python scripts/fault_db_restart.py --seconds 20 --restart-at 6

It restarts a real database cluster: run it only against a local test service.
"""

from __future__ import annotations

import argparse
import collections
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATHS = ["/notices/", "/ops/health/ready/"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> tuple[int | str, bool]:
    """(status or error kind, whether the body was the busy page)."""
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 - our own server on 127.0.0.1
            response.read()
            return response.status, False
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", "replace")
        return error.code, "系统繁忙" in body or '"unavailable"' in body
    except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
        return type(error).__name__, False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--restart-at", type=float, default=6.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--restart-command", default="pg_ctlcluster 15 main restart")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a migrated PostgreSQL database of its own.")

    port = free_port()
    var = Path(os.environ.get("YIBAO_VAR_DIR", str(ROOT / "var" / "fault-demo")))
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "YIBAO_SMS_BACKEND": "yibao.accounts.sms.HttpGatewayBackend",
        "YIBAO_SMS_GATEWAY_URL": "https://sms.example.cn/send",
        "YIBAO_VAR_DIR": str(var),
        "PORT": str(port),
        "WEB_CONCURRENCY": str(options.workers),
        "GUNICORN_FORWARDED_ALLOW_IPS": "127.0.0.1",
    }
    var.mkdir(parents=True, exist_ok=True)
    log = (var / "serve.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own start script
        [str(ROOT / "scripts" / "serve.sh")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while fetch(base + "/ops/health/live/")[0] != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"the production start did not come up; see {var / 'serve.log'}")
            time.sleep(0.5)
        print(
            f"production start up on {base} ({options.workers} gunicorn workers); {options.threads} clients"
        )

        results: list[tuple[float, int | str, bool]] = []
        lock = threading.Lock()
        start = time.monotonic()
        stop = start + options.seconds

        def client(number: int) -> None:
            i = number
            while time.monotonic() < stop:
                status, busy = fetch(base + PATHS[i % len(PATHS)])
                with lock:
                    results.append((time.monotonic() - start, status, busy))
                i += 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(options.threads)]
        for thread in threads:
            thread.start()
        time.sleep(options.restart_at)
        began = time.monotonic() - start
        restart = subprocess.run(options.restart_command.split(), capture_output=True, text=True, check=False)  # noqa: S603
        ended = time.monotonic() - start
        print(
            f"t={began:5.1f}s {options.restart_command!r} … done at t={ended:.1f}s (exit {restart.returncode})"
        )
        for thread in threads:
            thread.join()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)

    print("\n  second   200   503 (busy page)   other")
    by_second: dict[int, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for at, status, busy in results:
        key = "200" if status == 200 else "503" if status == 503 and busy else f"other:{status}"
        by_second[int(at)][key] += 1
    for second in sorted(by_second):
        counts = by_second[second]
        other = {k: v for k, v in counts.items() if k.startswith("other")}
        print(f"  {second:6d} {counts['200']:5d} {counts['503']:5d}               {other or ''}")
    total = collections.Counter(
        "200" if s == 200 else "503" if s == 503 and b else str(s) for _, s, b in results
    )
    last_second = max(by_second)
    recovered = by_second[last_second]["200"] > 0 and by_second[last_second]["503"] == 0
    unclean = {k: v for k, v in total.items() if k not in {"200", "503"}}
    print(
        f"\ntotal: {dict(total)}; unclean answers: {unclean or 'none'}; recovered: {'yes' if recovered else 'no'}"
    )
    return 0 if not unclean and recovered else 1


if __name__ == "__main__":
    sys.exit(main())
