"""gunicorn's access log as JSON (config/gunicorn.conf.py names this logger class).

One record a request: method, path (without the query string: a search may carry a name or a
number), status, bytes, duration, the request id the hall answered with (X-Request-ID), the
address that connected and the forwarded client chain, the user agent. The JSON formatter of
yibao.core.log_format writes it and masks personal numbers in it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from gunicorn.glogging import Logger


def _header(headers: Any, name: str) -> str:
    for key, value in headers or ():
        if str(key).lower() == name:
            return str(value)
    return ""


class JsonAccessLogger(Logger):
    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        fields = {
            "method": environ.get("REQUEST_METHOD", ""),
            "path": environ.get("PATH_INFO", ""),
            "status": int(status) if str(status).isdigit() else status,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "request_id": _header(resp.headers, "x-request-id") or "-",
            "remote_addr": environ.get("REMOTE_ADDR", ""),
            "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR", ""),
            "user_agent": environ.get("HTTP_USER_AGENT", "")[:300],
        }
        try:
            self.access_log.info("request", extra=fields)
        except Exception:
            self.exception("access log failed")
