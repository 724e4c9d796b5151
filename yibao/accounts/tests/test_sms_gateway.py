"""The HTTP gateway backend against a local fake gateway on 127.0.0.1."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from yibao.accounts.error_codes import SmsErrorCode
from yibao.accounts.sms import HttpGatewayBackend
from yibao.core.errors import ApplicationError


class FakeGateway(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    status = 200

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        FakeGateway.received.append(
            {"auth": self.headers["Authorization"], "body": json.loads(self.rfile.read(length))}
        )
        self.send_response(FakeGateway.status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[str]:
    FakeGateway.received = []
    FakeGateway.status = 200
    server = HTTPServer(("127.0.0.1", 0), FakeGateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/send"
    server.shutdown()


def test_messages_are_posted_as_json_with_the_token(gateway: str) -> None:
    HttpGatewayBackend(url=gateway, token="t0k").send(
        phone="13912345678", text="验证码：123456", purpose="register"
    )
    assert FakeGateway.received == [
        {
            "auth": "Bearer t0k",
            "body": {"phone": "13912345678", "text": "验证码：123456", "purpose": "register"},
        }
    ]


def test_a_gateway_error_is_reported(gateway: str) -> None:
    FakeGateway.status = 503
    with pytest.raises(ApplicationError) as caught:
        HttpGatewayBackend(url=gateway, token="t").send(phone="13912345678", text="x")
    assert caught.value.code == SmsErrorCode.SEND_FAILED


def test_an_unreachable_gateway_is_reported() -> None:
    with pytest.raises(ApplicationError) as caught:
        HttpGatewayBackend(url="http://127.0.0.1:9/send", token="t", timeout=1).send(phone="1", text="x")
    assert caught.value.message == "短信发送失败，请稍后重试"


def test_only_http_urls_are_accepted() -> None:
    with pytest.raises(ValueError):
        HttpGatewayBackend(url="file:///etc/passwd", token="t")
