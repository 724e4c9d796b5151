"""Other halls for tests: this code base started as a separate instance (its own SQLite database,
gunicorn on a free 127.0.0.1 port), e.g. the national instance a provincial hall under test talks
to. The database is migrated once per instance; the server can be killed and started again over
the same database, as an outage would.

An instance may instead name a shared database (`env={"DATABASE_URL": "postgres://…"}`), so that
several instances are the web nodes of one hall (`node()` makes another node over the same
database and environment), and start task workers (`start_worker`) of the configured queue."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class HallInstance:
    def __init__(self, directory: Path, *, profile: str, env: dict[str, str] | None = None) -> None:
        self.database = directory / f"{profile}.sqlite3"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = directory / f"{profile}.log"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("YIBAO_", "DJANGO_", "DATABASE_URL", "REDIS_URL", "PYTEST"))
        } | {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_ENV": "development",
            "DATABASE_URL": f"sqlite:///{self.database}",
            "YIBAO_PROFILE": profile,
            "YIBAO_VAR_DIR": str(directory / f"{profile}-var"),
            **(env or {}),
        }
        self.directory = directory
        self.profile = profile
        self.process: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []

    def node(self, env: dict[str, str] | None = None) -> HallInstance:
        """Another web node of the same hall: the same database and settings, its own port and
        (unless shared through the environment) its own var directory."""
        other = HallInstance(self.directory, profile=self.profile)
        other.database = self.database
        other.log = self.directory / f"{self.profile}-node{other.port}.log"
        other.env = self.env | {"YIBAO_VAR_DIR": str(self.directory / f"var-{other.port}")} | (env or {})
        return other

    def manage(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 - the project's own manage.py
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args[:1])} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def prepare(self) -> HallInstance:
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("load_reference")
        return self

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code)

    def start(self) -> HallInstance:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - the project's own gunicorn
                [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", "1", "--timeout", "30"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/", timeout=2).close()  # noqa: S310 - 127.0.0.1
                return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        raise RuntimeError(
            f"the {self.env['YIBAO_PROFILE']} instance did not start:\n{self.log.read_text()[-3000:]}"
        )

    def kill(self) -> None:
        """As an outage: SIGKILL to the master and its workers, no graceful shutdown."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None
        for worker in self.workers:
            kill_group(worker)
        self.workers = []

    def start_worker(self, *, burst: bool = False, before: str = "") -> subprocess.Popen[bytes]:
        """A task worker of the instance's queue (YIBAO_TASK_BACKEND): `rqworker` or `db_worker`,
        in its own process group. `before` is Python run in the worker process before it starts
        (a test patches a function there, to stop the work at a known point)."""
        default = "rq" if self.env.get("REDIS_URL") else "db"  # as config/settings.py decides
        if self.env.get("YIBAO_TASK_BACKEND", default) == "rq":
            command = ["rqworker", "--with-scheduler", "sms", "default", *(["--burst"] if burst else [])]
        else:
            command = [
                "db_worker",
                "--queue-name",
                "*",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.2",
            ]
            command += ["--batch"] if burst else []
        code = (
            "import django; django.setup()\n"
            f"{before}\n"
            "from django.core.management import call_command\n"
            f"call_command(*{command!r})\n"
        )
        with (self.directory / f"{self.profile}-worker.log").open("ab") as log:
            worker = subprocess.Popen(  # noqa: S603 - the project's own worker
                [str(BIN / "python"), "-c", code],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self.workers.append(worker)
        return worker

    def worker_log(self) -> str:
        path = self.directory / f"{self.profile}-worker.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """SQL with ? placeholders, on SQLite or PostgreSQL."""
        url = self.env["DATABASE_URL"]
        if url.startswith("postgres"):
            import psycopg

            with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as pg:
                return list(pg.execute(sql.replace("?", "%s"), params).fetchall())
        with sqlite3.connect(self.database, timeout=30) as connection:
            return list(connection.execute(sql, params))


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL to a process and everything it started (a worker and its work-horse)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
