"""Stateless web nodes: two web processes (gunicorn on two ports) of one hall over one PostgreSQL
database, Redis for sessions, cache and the task queue, an S3-compatible bucket for uploads, and an
RQ worker. An operator logs in on one node, goes on and uploads a batch file on the other; the
worker reads it and the result is seen on the first.

Needs PostgreSQL (TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres, allowed
to create a throwaway database) and Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379/12, a
database it may empty); skipped when either is not there. `.ci/run` runs it."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.instances import HallInstance
from tests.objectstorage import S3Server, s3_server
from yibao.enrollment.tests.test_batch_pages import person_row, workbook

pytestmark = pytest.mark.nodes

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/12")
MOBILE, PASSWORD = "13900001111", "Nodes2026pass"
ROWS = 30

OPERATOR = f"""
from yibao.core.tests.factories import BindingFactory, grant
binding = grant(BindingFactory.create(operator__mobile="{MOBILE}"), "employee-enrollment")
binding.operator.user.set_password("{PASSWORD}")
binding.operator.user.save()
print(binding.unit.name)
"""


def _postgres() -> object | None:
    try:
        import psycopg

        return psycopg.connect(
            POSTGRES_URL.replace("postgres://", "postgresql://", 1), autocommit=True, connect_timeout=2
        )
    except Exception:
        return None


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def database() -> Iterator[str]:
    """A throwaway PostgreSQL database for the hall, dropped afterwards."""
    server = _postgres()
    if server is None or not _redis_up():
        pytest.skip("needs PostgreSQL (TEST_POSTGRES_URL) and Redis (TEST_REDIS_URL)")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    name = f"yibao_nodes_{os.getpid()}"
    server.execute(f'DROP DATABASE IF EXISTS "{name}"')  # type: ignore[attr-defined]
    server.execute(f'CREATE DATABASE "{name}"')  # type: ignore[attr-defined]
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[attr-defined]
        server.close()  # type: ignore[attr-defined]


@pytest.fixture
def s3() -> Iterator[S3Server]:
    with s3_server() as server:
        yield server


@pytest.fixture
def nodes(database: str, s3: S3Server, tmp_path: Path) -> Iterator[tuple[HallInstance, HallInstance]]:
    env = {
        "DATABASE_URL": database,
        "REDIS_URL": REDIS_URL,
        # Every node signs with the same key (CSRF tokens, signed values); nothing else is shared
        # but the database, Redis and the bucket: each node has its own var directory.
        "DJANGO_SECRET_KEY": "nodes-test-secret-key-that-every-web-node-of-the-hall-shares-0123",
        **s3.env,
    }
    first = HallInstance(tmp_path, profile="national", env=env).prepare()
    second = first.node()
    try:
        first.start()
        second.start()
        yield first, second
    finally:
        first.kill()
        second.kill()


def csrf(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None, page[-2000:]
    return found.group(1)


def test_login_on_one_node_upload_on_the_other_and_the_worker_result_seen_on_the_first(
    nodes: tuple[HallInstance, HallInstance], s3: S3Server
) -> None:
    first, second = nodes
    assert first.port != second.port
    unit_name = first.shell(OPERATOR).strip().splitlines()[-1]
    browser = requests.Session()

    # 经办人账号登录 on the first node
    login = browser.get(f"{first.url}/hall/login/", timeout=30)
    answer = browser.post(
        f"{first.url}/hall/login/",
        data={"kind": "operator", "mobile": MOBILE, "password": PASSWORD, "captcha_0": "x", "captcha_1": "PASSED",
              "csrfmiddlewaretoken": csrf(login.text)},
        timeout=30,
    )  # fmt: skip
    assert "选择单位" in answer.text and unit_name in answer.text, answer.text[-2000:]
    unit_id = re.search(r'name="unit" value="(\d+)"', answer.text).group(1)

    # … and on with the same session on the second: 选择单位, then 批量参保登记 and the file
    chosen = browser.post(
        f"{second.url}{urlsplit(answer.url).path}",
        data={"unit": unit_id, "csrfmiddlewaretoken": csrf(answer.text)},
        timeout=30,
    )
    assert chosen.status_code == 200 and chosen.url.startswith(second.url), chosen.text[-2000:]
    page = browser.get(f"{second.url}/hall/enrollment/enroll/batch/", timeout=30)
    assert page.status_code == 200 and "批量导入文件" in page.text, page.text[-2000:]
    upload = browser.post(
        f"{second.url}/hall/enrollment/enroll/batch/",
        data={"csrfmiddlewaretoken": csrf(page.text)},
        files={"file": ("人员.xlsx", workbook([person_row(n) for n in range(1, ROWS + 1)]))},
        timeout=30,
        allow_redirects=False,
    )
    assert upload.status_code == 302, upload.text[-2000:]
    detail = upload.headers["Location"]
    [(batch_id, name)] = first.query("SELECT id, file FROM enrollment_batchimport")
    assert s3.keys("private/") == [f"private/{name}"]  # in the bucket, on no node's disk

    # the worker (another process, maybe another machine) reads it from the bucket
    first.start_worker()
    deadline = time.monotonic() + 120
    while first.query("SELECT status FROM enrollment_batchimport WHERE id = ?", batch_id)[0][0] != "done":
        assert time.monotonic() < deadline, first.worker_log()
        time.sleep(0.3)

    # … and the first node shows the result
    result = browser.get(f"{first.url}{detail}", timeout=30)
    assert f"校验成功列表（{ROWS}）" in result.text, result.text[-2000:]
