"""Test overrides: fast hashing, tasks run at once, isolated files."""

import os
import tempfile
from pathlib import Path

from config.settings import *  # noqa: F403

DJANGO_ENV = "test"
DEBUG = False
YIBAO_DEV_AFFORDANCES = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run at once, in the request that enqueues them. YIBAO_TEST_TASKS=rq keeps the RQ backend of
# the settings (REDIS_URL needed) for the tests marked `tasks`, which then drain the queue with a
# real `rqworker --burst` (tests/taskqueue.py; .ci/run runs them so).
if os.environ.get("YIBAO_TEST_TASKS") != "rq":
    TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": YIBAO_TASK_QUEUES,  # noqa: F405
        }
    }
elif YIBAO_TASK_BACKEND != "rq":  # noqa: F405
    raise RuntimeError("YIBAO_TEST_TASKS=rq needs REDIS_URL (and YIBAO_TASK_BACKEND unset or rq)")
if not REDIS_URL:  # noqa: F405 - with REDIS_URL (CI's PostgreSQL run) the Redis cache is tested too
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="yibao-test-media-"))
YIBAO_PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="yibao-test-private-"))
ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(YIBAO_PRIVATE_MEDIA_ROOT)},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: the browser tests' live server thread then opens its own connection
    # to the same database instead of sharing one in-memory connection across threads.
    # One file per run, so that two runs in one checkout never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-yibao-{os.getpid()}.sqlite3")}  # noqa: F405
# A second alias on the test database, as DATABASE_REPLICA_URL would add one: the read replica's
# tests (yibao/core/tests/test_db_routing.py) turn the router on and count each alias's queries.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
