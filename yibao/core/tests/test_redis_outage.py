"""Redis going away under the hall and coming back, with a real redis-server on a spare port.

Sessions and the cache live in Redis (as with REDIS_URL). While it is down a logged-in user gets
503 «系统繁忙» (not the login page, not a 500), readiness says the cache is unavailable and
liveness stays up; once it is back the same session goes on where it was.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import Client

pytestmark = [
    pytest.mark.urls("yibao.core.tests.outage_urls"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed"),
]


REDIS_SERVER = shutil.which("redis-server") or "redis-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A redis-server of this test: append-only file synced on every write, so a kill loses
    nothing and a restart brings the sessions back, as a production Redis with persistence."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                REDIS_SERVER,
                "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
                "--appendonly", "yes", "--appendfsync", "always", "--save", "",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def redis_hall(settings, redis_server: RedisServer) -> Iterator[RedisServer]:
    """The hall's settings with REDIS_URL pointing at the test's server (config/settings.py)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{redis_server.port}/0",
            "KEY_PREFIX": "yibao-test",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    settings.SESSION_ENGINE = "yibao.core.sessions"
    yield redis_server
    caches["default"].close()


@pytest.mark.django_db(transaction=True)
def test_redis_down_answers_busy_and_the_session_survives_its_return(redis_hall, django_user_model) -> None:
    user = django_user_model.objects.create_user(username="unit-admin-redis", password="x")
    browser = Client(raise_request_exception=False)
    probe = Client(raise_request_exception=False)  # the load balancer: no cookie
    browser.force_login(user)
    assert browser.get("/outage/whoami/").content.decode() == "unit-admin-redis 1"
    assert json.loads(probe.get("/ops/health/ready/").content)["checks"]["cache"] == "ok"

    redis_hall.kill()
    for _ in range(3):  # every request, not only the first: no 500, no loop through the login
        page = browser.get("/outage/whoami/")
        assert page.status_code == 503
        assert "系统繁忙，请稍后再试" in page.content.decode()
        assert "Traceback" not in page.content.decode()
    posted = browser.post("/outage/whoami/", {"note": "填写的内容"})
    assert posted.status_code == 503
    assert "未能保存" in posted.content.decode()
    ready = probe.get("/ops/health/ready/")
    assert ready.status_code == 503
    assert json.loads(ready.content)["checks"] == {
        "database": "ok",
        "cache": "unavailable",
        "task_queue": "ok",
    }
    assert probe.get("/ops/health/live/").status_code == 200

    redis_hall.start()
    assert probe.get("/ops/health/ready/").status_code == 200
    # the same login, the session as it was before the outage (nothing counted while Redis was down)
    assert browser.get("/outage/whoami/").content.decode() == "unit-admin-redis 2"


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_page_that_needs_no_redis_still_works_while_it_is_down(redis_hall) -> None:
    browser = Client(raise_request_exception=False)
    redis_hall.kill()
    assert browser.get("/ops/health/live/").status_code == 200
    assert browser.get("/outage/whoami/").status_code == 503  # writes a session: needs Redis
