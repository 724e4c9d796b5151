"""The development certificate driver (证书驱动): a small HTTP server on 127.0.0.1 holding the
units' software certificates (PKCS #12 files), run by `manage.py ca_agent`.

It plays the part a CA vendor's driver plays on a user's computer: the hall's login page asks it
which certificates it holds (选择 CA 证书) and has it sign the server's challenge after it checked
the 证书密码 itself, so the password never leaves the user's machine. Only the hall's origin may
use it (CORS): a page of any other site gets no answer it may read and no signature.

The protocol, JSON both ways:

- ``GET /certificates`` → ``{"driver": VERSION, "certificates": [{"id", "unit_name", "uscc",
  "subject", "issuer", "serial", "not_after"}]}``
- ``POST /sign`` with ``{"id", "password", "challenge"}`` → ``{"certificate": PEM, "chain":
  [PEM, ...], "signature": base64}``, the signature over `challenges.signed_message(challenge)`
  (RSA PKCS #1 v1.5 or ECDSA, SHA-256); 403 ``{"error": "证书密码错误，还可尝试N次"}`` for a
  wrong password and 423 ``{"error": "证书密码错误次数过多…"}`` once a certificate is locked.

Like a USB key's PIN counter, the driver locks a certificate after `PIN_ATTEMPTS` wrong passwords
in a row (counted per certificate, in memory): it refuses to open it for `PIN_LOCK_SECONDS` even
with the right password, and the right password before the limit resets the count. A real key
locks until its administrator PIN (SO PIN) unlocks it; a development driver that restarts with a
clean count is enough to show the behaviour and to stop a page from guessing quickly.

A vendor's driver plugs in by speaking the same protocol on its own port (`YIBAO_CA_AGENT_URL`),
or through a small adapter script that translates it to the vendor's local API; the server side
does not change (it verifies what any driver returns).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from yibao.core.errors import ApplicationError
from yibao.pki.challenges import signed_message
from yibao.pki.verification import certificate_load, unit_name_from_subject, uscc_from_subject

VERSION = "yibao-dev-1.0"
MAX_BODY = 16_384
WRONG_PASSWORD = "证书密码错误"  # noqa: S105 - a message, not a password
PIN_ATTEMPTS = 5
PIN_LOCK_SECONDS = 600


class CertificateLocked(PermissionError):
    """The certificate's password was wrong too often: it stays shut for a while."""


@dataclass
class AgentStore:
    """The certificates in one folder: `<id>.p12` with `<id>.pem` beside it."""

    folder: Path
    attempts: int = PIN_ATTEMPTS
    lock_seconds: int = PIN_LOCK_SECONDS
    # id -> (wrong passwords in a row, when the last one came)
    _failures: dict[str, tuple[int, float]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _ids(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob("*.p12") if (self.folder / f"{p.stem}.pem").is_file())

    def listing(self) -> list[dict[str, str]]:
        entries = []
        for ident in self._ids():
            try:
                certificate = certificate_load((self.folder / f"{ident}.pem").read_bytes())
            except ApplicationError:
                continue
            entries.append(
                {
                    "id": ident,
                    "unit_name": unit_name_from_subject(certificate.subject),
                    "uscc": uscc_from_subject(certificate.subject) or "",
                    "subject": certificate.subject.rfc4514_string(),
                    "issuer": certificate.issuer.rfc4514_string(),
                    "serial": format(certificate.serial_number, "X"),
                    "not_after": certificate.not_valid_after_utc.date().isoformat(),
                }
            )
        return entries

    def sign(self, ident: str, password: str, challenge: str) -> dict[str, Any]:
        """Open the PKCS #12 with the password and sign the challenge; KeyError for an unknown
        id, PermissionError for a wrong password."""
        if ident not in self._ids():
            raise KeyError(ident)
        self._locked_check(ident)
        try:
            key, certificate, chain = pkcs12.load_key_and_certificates(
                (self.folder / f"{ident}.p12").read_bytes(), password.encode("utf-8")
            )
        except ValueError:
            raise self._wrong_password(ident) from None
        if key is None or certificate is None:
            raise self._wrong_password(ident)
        with self._lock:
            self._failures.pop(ident, None)
        message = signed_message(challenge)
        if isinstance(key, rsa.RSAPrivateKey):
            signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePrivateKey):
            signature = key.sign(message, ec.ECDSA(hashes.SHA256()))
        else:
            raise PermissionError("不支持的证书密钥类型")
        return {
            "certificate": _pem(certificate),
            "chain": [_pem(item) for item in chain],
            "signature": base64.b64encode(signature).decode("ascii"),
        }

    def _locked_check(self, ident: str) -> None:
        with self._lock:
            count, last = self._failures.get(ident, (0, 0.0))
            left = last + self.lock_seconds - time.monotonic()
            if count >= self.attempts and left > 0:
                raise CertificateLocked(_locked_message(left))
            if count >= self.attempts:
                self._failures.pop(ident, None)

    def _wrong_password(self, ident: str) -> PermissionError:
        with self._lock:
            count = self._failures.get(ident, (0, 0.0))[0] + 1
            self._failures[ident] = (count, time.monotonic())
        if count >= self.attempts:
            return CertificateLocked(_locked_message(self.lock_seconds))
        return PermissionError(f"{WRONG_PASSWORD}，还可尝试{self.attempts - count}次")


def _locked_message(seconds: float) -> str:
    minutes = max(1, int(seconds + 59) // 60)
    return f"证书密码错误次数过多，证书已锁定，请{minutes}分钟后再试"


def _pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _handler(store: AgentStore, origins: frozenset[str]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "YibaoCaAgent/" + VERSION

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _origin_allowed(self) -> str | None:
            origin = self.headers.get("Origin", "")
            return origin if origin in origins else None

        def _send(self, status: int, body: dict[str, Any] | None, origin: str | None) -> None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else b""
            self.send_response(status)
            if origin:
                self.send_header("Access-Control-Allow-Origin", origin)
                self.send_header("Vary", "Origin")
            self.send_header("Cache-Control", "no-store")
            if body is not None:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_OPTIONS(self) -> None:
            origin = self._origin_allowed()
            if origin is None:
                self._send(HTTPStatus.FORBIDDEN, None, None)
                return
            self.send_response(HTTPStatus.NO_CONTENT)
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Access-Control-Allow-Methods", "GET, POST")
            self.send_header("Access-Control-Allow-Headers", "Content-Type")
            if self.headers.get("Access-Control-Request-Private-Network"):
                self.send_header("Access-Control-Allow-Private-Network", "true")
            self.send_header("Access-Control-Max-Age", "600")
            self.send_header("Vary", "Origin")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            origin = self._origin_allowed()
            if origin is None:
                self._send(HTTPStatus.FORBIDDEN, {"error": "来源不被允许"}, None)
            elif self.path == "/certificates":
                self._send(HTTPStatus.OK, {"driver": VERSION, "certificates": store.listing()}, origin)
            else:
                self._send(HTTPStatus.NOT_FOUND, {"error": "未知请求"}, origin)

        def do_POST(self) -> None:
            origin = self._origin_allowed()
            if origin is None:
                self._send(HTTPStatus.FORBIDDEN, {"error": "来源不被允许"}, None)
                return
            if self.path != "/sign":
                self._send(HTTPStatus.NOT_FOUND, {"error": "未知请求"}, origin)
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length <= 0 or length > MAX_BODY:
                self._send(HTTPStatus.BAD_REQUEST, {"error": "请求无效"}, origin)
                return
            try:
                body = json.loads(self.rfile.read(length))
                ident, password, challenge = str(body["id"]), str(body["password"]), str(body["challenge"])
                challenge.encode("ascii")
            except (ValueError, KeyError, TypeError):
                self._send(HTTPStatus.BAD_REQUEST, {"error": "请求无效"}, origin)
                return
            try:
                answer = store.sign(ident, password, challenge)
            except KeyError:
                self._send(HTTPStatus.NOT_FOUND, {"error": "未找到该证书，请重新选择"}, origin)
            except CertificateLocked as error:
                self._send(HTTPStatus.LOCKED, {"error": str(error)}, origin)
            except PermissionError as error:
                self._send(HTTPStatus.FORBIDDEN, {"error": str(error)}, origin)
            else:
                self._send(HTTPStatus.OK, answer, origin)

    return Handler


def agent_server(store: AgentStore, *, origins: set[str], port: int = 0) -> ThreadingHTTPServer:
    """The driver's server on 127.0.0.1 (`port` 0: a free one, read it from `server_address`)."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(store, frozenset(origins)))
    server.daemon_threads = True
    return server


def agent_start_in_thread(store: AgentStore, *, origins: set[str], port: int = 0) -> ThreadingHTTPServer:
    """Run the driver in a background thread (tests); stop it with `shutdown()`."""
    server = agent_server(store, origins=origins, port=port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
