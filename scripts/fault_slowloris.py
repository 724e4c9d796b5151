"""Demonstration: slowloris-style clients against the hall alone and behind the example proxy.

    .venv/bin/python scripts/fault_slowloris.py [--connections 150] [--seconds 25]

Starts gunicorn with the project's config (config/gunicorn.conf.py, 2 workers) and nginx with the
slow-client settings of deploy/nginx/yibao.conf (client_header_timeout, client_body_timeout,
keepalive_timeout, limit_conn, reset_timedout_connection; plain HTTP on 127.0.0.1, the TLS part
left out). Then, twice — straight at gunicorn, then through nginx — it opens `--connections`
connections that send a request's headers a line every 2 s and never finish, and meanwhile asks
for /ops/health/live/ once a second as a normal client would. It prints, per phase, how many
normal requests were answered and how long the slow connections were held. Needs `nginx` on the
PATH (Debian: nginx-light); nothing else is left running.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NGINX = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fcgi; uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
    limit_conn_zone $binary_remote_addr zone=yibao_conn:10m;
    upstream yibao_web {{ server 127.0.0.1:{upstream}; keepalive 8; }}
    server {{
        listen 127.0.0.1:{port};
        # the slow-client settings of deploy/nginx/yibao.conf
        client_header_timeout 10s;
        client_body_timeout 10s;
        send_timeout 30s;
        keepalive_timeout 15s;
        reset_timedout_connection on;
        large_client_header_buffers 4 8k;
        limit_conn yibao_conn {limit};
        location / {{
            proxy_pass http://yibao_web;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host 127.0.0.1;
            proxy_request_buffering on;
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def slow_client(port: int, held: list[float], stop: threading.Event) -> None:
    started = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
            connection.sendall(b"GET /ops/health/live/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            while not stop.is_set():
                time.sleep(2)
                connection.sendall(b"X-Slow: 1\r\n")
                connection.settimeout(0.01)
                try:
                    if connection.recv(1) == b"":
                        break  # closed by the server
                except TimeoutError:
                    pass
                except OSError:
                    break
    except OSError:
        pass
    held.append(time.monotonic() - started)


def phase(name: str, port: int, *, connections: int, seconds: int) -> None:
    held: list[float] = []
    stop = threading.Event()
    threads = [
        threading.Thread(target=slow_client, args=(port, held, stop), daemon=True) for _ in range(connections)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1)
    answered = failed = 0
    worst = 0.0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/ops/health/live/", timeout=3).read()
            answered += 1
            worst = max(worst, time.monotonic() - started)
        except OSError:
            failed += 1
        time.sleep(max(0.0, 1 - (time.monotonic() - started)))
    stop.set()
    for thread in threads:
        thread.join(timeout=5)
    closed = sorted(h for h in held if h < seconds)
    print(f"{name}: normal requests answered {answered}, failed {failed} (worst {worst * 1000:.0f} ms); "
          f"slow connections closed by the server within the phase: {len(closed)}/{connections}"
          + (f", after {closed[len(closed) // 2]:.1f} s (median)" if closed else ""), flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=150)
    parser.add_argument("--seconds", type=int, default=25)
    args = parser.parse_args()
    if shutil.which("nginx") is None:
        raise SystemExit("nginx is not installed (Debian: apt-get install nginx-light)")
    with tempfile.TemporaryDirectory(prefix="yibao-slowloris-") as directory:
        gunicorn_port, nginx_port = free_port(), free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("YIBAO_", "DJANGO_", "DATABASE_URL"))}
        env |= {"DJANGO_ENV": "development", "YIBAO_VAR_DIR": directory, "WEB_CONCURRENCY": "2",
                "GUNICORN_BIND": f"127.0.0.1:{gunicorn_port}"}  # fmt: skip
        web = subprocess.Popen(  # noqa: S603 - the project's gunicorn
            [str(BIN / "gunicorn"), "config.wsgi:application", "-c", "config/gunicorn.conf.py",
             "--bind", f"127.0.0.1:{gunicorn_port}", "--workers", "2", "--threads", "1"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        conf = Path(directory) / "nginx.conf"
        conf.write_text(
            NGINX.format(dir=directory, upstream=gunicorn_port, port=nginx_port, limit=args.connections + 20)
        )
        proxy = subprocess.Popen(["nginx", "-c", str(conf), "-g", "daemon off;"], start_new_session=True)  # noqa: S603, S607
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(
                        f"http://127.0.0.1:{nginx_port}/ops/health/live/", timeout=2
                    ).read()
                    break
                except OSError:
                    time.sleep(0.2)
            print(f"gunicorn: 2 sync workers on :{gunicorn_port}; nginx on :{nginx_port}; "
                  f"{args.connections} slow connections, {args.seconds} s a phase", flush=True)  # fmt: skip
            phase("straight at gunicorn", gunicorn_port, connections=args.connections, seconds=args.seconds)
            time.sleep(3)
            phase("through nginx       ", nginx_port, connections=args.connections, seconds=args.seconds)
        finally:
            for process in (proxy, web):
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)


if __name__ == "__main__":
    main()
