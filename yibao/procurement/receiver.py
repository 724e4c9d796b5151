"""A reference receiver of the hand-off, for the procurement system's developers and the tests: a
WSGI application that takes the POSTed `token`, verifies it with `tokens.token_verify` and keeps
each jti until its expiry (so a replayed token is refused), answering 200 with who was handed over
or 401 with why not. It is what the other side must do, not part of the hall's pages.

    from wsgiref.simple_server import make_server
    make_server("127.0.0.1", 8700, receiver_app(key=b"...")).serve_forever()
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from yibao.core.errors import ApplicationError
from yibao.procurement.tokens import token_verify

MAX_BODY = 16_384


class JtiStore:
    """The jtis seen, each kept until its token's expiry (plus leeway) has passed."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._seen: dict[str, int] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def seen(self, jti: str, exp: int) -> bool:
        """Record `jti`; True when it was recorded before."""
        now = self._clock()
        with self._lock:
            for old in [j for j, until in self._seen.items() if until + 60 < now]:
                del self._seen[old]
            if jti in self._seen:
                return True
            self._seen[jti] = exp
            return False


def _page(status: str, title: str, body: str) -> tuple[str, list[tuple[str, str]], bytes]:
    document = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return status, [("Content-Type", "text/html; charset=utf-8")], document.encode("utf-8")


def receiver_app(
    *, key: bytes, store: JtiStore | None = None, received: list[str] | None = None
) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    """The WSGI application; `received` (tests) collects every token posted."""
    jtis = store or JtiStore()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            status, headers, body = _page("405 Method Not Allowed", "请从医保网厅进入", "")
        else:
            length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
            form = parse_qs(environ["wsgi.input"].read(length).decode("utf-8", "replace"))
            token = (form.get("token") or [""])[0]
            if received is not None:
                received.append(token)
            try:
                claims = token_verify(token, key=key, seen=jtis.seen)
            except ApplicationError as refused:
                status, headers, body = _page(
                    "401 Unauthorized", "令牌验证未通过", f"<p>{html.escape(refused.message)}</p>"
                )
            else:
                facts = "".join(
                    f"<dt>{label}</dt><dd>{html.escape(str(claims[name]))}</dd>"
                    for label, name in (
                        ("单位名称", "unit_name"),
                        ("统一社会信用代码", "uscc"),
                        ("经办人标识", "sub"),
                    )
                )
                status, headers, body = _page("200 OK", "令牌验证通过，欢迎进入招采系统", f"<dl>{facts}</dl>")
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]

    return app
