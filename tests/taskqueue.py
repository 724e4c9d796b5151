"""The task queue in tests. With the immediate backend (config/settings_test.py) a task has run
when `enqueue` returns. With YIBAO_TEST_TASKS=rq the settings' RQ backend stays: tasks go to Redis,
and `drain()` runs a real `manage.py rqworker --burst --with-scheduler` over the test database
(its committed data: tests that use it are transactional), which does the queued work and exits.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def on_rq() -> bool:
    return str(settings.TASKS["default"]["BACKEND"]).startswith("django_tasks_rq")


def database_url() -> str:
    """The test database, as the worker process names it."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def queue_clear() -> None:
    """Forget what earlier tests left in the queue and its registries."""
    import django_rq

    for name in settings.YIBAO_TASK_QUEUES:
        queue = django_rq.get_queue(name)
        queue.empty()
        for registry in (queue.scheduled_job_registry, queue.started_job_registry, queue.failed_job_registry):
            for job_id in registry.get_job_ids():
                registry.remove(job_id, delete_job=True)


def drain(var_dir: Path) -> str:
    """Run the queued (and due scheduled) tasks with a burst worker; its output."""
    if not on_rq():
        return ""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("YIBAO_", "DJANGO_", "DATABASE_URL", "PYTEST"))
    } | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "development",
        "DATABASE_URL": database_url(),
        "REDIS_URL": str(settings.REDIS_URL),
        "YIBAO_TASK_BACKEND": "rq",
        "YIBAO_TASK_REDIS_URL": str(settings.YIBAO_TASK_REDIS_URL),
        "YIBAO_PROFILE": str(settings.YIBAO_PROFILE),
        "YIBAO_VAR_DIR": str(var_dir),
        "YIBAO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "YIBAO_PRIVATE_MEDIA_ROOT": str(settings.YIBAO_PRIVATE_MEDIA_ROOT),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "rqworker", "--burst", "--with-scheduler", "sms", "default"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr
