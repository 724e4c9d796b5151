"""Changes waiting for «确定» on a confirmation page.

The checked change is kept in the session under a random token that the confirmation form
carries back, so a second tab cannot swap what is confirmed, and it expires after a while.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.http import HttpRequest

MAX_AGE_SECONDS = 600
_KEY = "yibao_pending:{}"
_KEEP = 5


def pending_put(request: HttpRequest, kind: str, data: dict[str, Any]) -> str:
    key = _KEY.format(kind)
    waiting = dict(request.session.get(key, {}))
    token = secrets.token_urlsafe(16)
    waiting[token] = {"data": data, "at": time.time()}
    # keep only the newest few (a user may open several tabs)
    newest = sorted(waiting.items(), key=lambda item: item[1]["at"])[-_KEEP:]
    request.session[key] = dict(newest)
    return token


def pending_take(request: HttpRequest, kind: str, token: str) -> dict[str, Any] | None:
    """The data stored under `token` (removed), or None when unknown or expired."""
    key = _KEY.format(kind)
    waiting = dict(request.session.get(key, {}))
    entry = waiting.pop(token or "", None)
    request.session[key] = waiting
    if entry is None or time.time() - float(entry["at"]) > MAX_AGE_SECONDS:
        return None
    data: dict[str, Any] = entry["data"]
    return data
