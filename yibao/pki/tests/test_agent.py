"""The development certificate driver: only the hall's origin may use it, the 证书密码 is checked
locally, and its signature verifies on the server side."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from yibao.pki.agent import AgentStore, CertificateLocked, agent_start_in_thread
from yibao.pki.challenges import signed_message
from yibao.pki.issuing import agent_store_write
from yibao.pki.tests.fixtures import CaWorld, ca_world
from yibao.pki.verification import certificate_verify

HALL = "http://127.0.0.1:8000"
USCC = "91110108MA01W8XK2X"


@pytest.fixture
def world(tmp_path: Path, settings: Any) -> CaWorld:
    return ca_world(tmp_path, settings)


@pytest.fixture
def driver(world: CaWorld, tmp_path: Path) -> Iterator[str]:
    agent_store_write(
        tmp_path / "agent",
        "demo",
        world.unit("演示单位", USCC, key_kind="rsa"),
        world.hierarchy,
        password="pw-123456",
    )
    server = agent_start_in_thread(AgentStore(tmp_path / "agent"), origins={HALL})
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def call(
    url: str, *, origin: str | None = HALL, body: dict[str, str] | None = None
) -> tuple[int, dict[str, Any], Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data)  # noqa: S310 - a local test server
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if origin:
        request.add_header("Origin", origin)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - a local test server
            return response.status, json.loads(response.read()), response.headers
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}"), error.headers


def test_it_lists_its_certificates_to_the_hall_only(driver: str) -> None:
    status, body, headers = call(driver + "/certificates")
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == HALL
    assert [(c["id"], c["uscc"]) for c in body["certificates"]] == [("demo", USCC)]
    status, _, headers = call(driver + "/certificates", origin="https://evil.example")
    assert status == 403
    assert headers["Access-Control-Allow-Origin"] is None


def test_it_signs_after_checking_the_password(driver: str) -> None:
    status, body, _ = call(driver + "/sign", body={"id": "demo", "password": "wrong", "challenge": "abc"})
    assert (status, body["error"]) == (403, "证书密码错误，还可尝试4次")
    status, _, _ = call(
        driver + "/sign",
        origin="https://evil.example",
        body={"id": "demo", "password": "pw-123456", "challenge": "abc"},
    )
    assert status == 403
    status, body, _ = call(driver + "/sign", body={"id": "demo", "password": "pw-123456", "challenge": "abc"})
    assert status == 200
    identity = certificate_verify(
        certificate=body["certificate"],
        intermediates=body["chain"],
        message=signed_message("abc"),
        signature=base64.b64decode(body["signature"]),
    )
    assert identity.uscc == USCC


def test_it_locks_a_certificate_after_five_wrong_passwords(world: CaWorld, tmp_path: Path) -> None:
    agent_store_write(
        tmp_path / "agent", "demo", world.unit("演示单位", USCC), world.hierarchy, password="pw-123456"
    )
    store = AgentStore(tmp_path / "agent", lock_seconds=600)
    messages = []
    for _ in range(5):
        with pytest.raises(PermissionError) as caught:
            store.sign("demo", "wrong", "abc")
        messages.append(str(caught.value))
    assert messages[:4] == [f"证书密码错误，还可尝试{n}次" for n in (4, 3, 2, 1)]
    assert messages[4] == "证书密码错误次数过多，证书已锁定，请10分钟后再试"
    # locked: even the right password does not open it
    with pytest.raises(CertificateLocked):
        store.sign("demo", "pw-123456", "abc")
    # once the lock has passed, the right password opens it and clears the count
    store.lock_seconds = 0
    assert store.sign("demo", "pw-123456", "abc")["signature"]
    with pytest.raises(PermissionError, match="还可尝试4次"):
        store.sign("demo", "wrong", "abc")


def test_a_right_password_before_the_limit_resets_the_count(world: CaWorld, tmp_path: Path) -> None:
    agent_store_write(
        tmp_path / "agent", "demo", world.unit("演示单位", USCC), world.hierarchy, password="pw-123456"
    )
    store = AgentStore(tmp_path / "agent")
    for _ in range(4):
        with pytest.raises(PermissionError):
            store.sign("demo", "wrong", "abc")
    store.sign("demo", "pw-123456", "abc")
    with pytest.raises(PermissionError, match="还可尝试4次"):
        store.sign("demo", "wrong", "abc")


def test_a_locked_certificate_answers_423(driver: str) -> None:
    for _ in range(5):
        call(driver + "/sign", body={"id": "demo", "password": "wrong", "challenge": "abc"})
    status, body, _ = call(driver + "/sign", body={"id": "demo", "password": "pw-123456", "challenge": "abc"})
    assert status == 423
    assert "证书已锁定" in body["error"]
