"""What a request gets when a service the hall depends on is away: a clear «系统繁忙» page with
status 503 and Retry-After, never a traceback, never a 500 that sends the browser round again.

An outage is the database refusing or dropping connections (PostgreSQL restarting: Django's
OperationalError / InterfaceError; the next request reconnects, CONN_HEALTH_CHECKS throws the dead
connection away) or Redis unreachable (sessions, cache, counters: django-redis's
ConnectionInterrupted, redis-py's ConnectionError / TimeoutError). Nothing is retried here:
a retried write could run twice; the page tells the user to try again, and the browser keeps
what they typed (going back shows the form as it was).

Two ways in: `OutageMiddleware.process_exception` for errors raised by a view, and the project's
handler500 (`server_error`, named in config/urls.py) for those raised in a middleware (a session
read in the authentication middleware). Neither touches the session, the cache or the database:
the page is a standalone template rendered without the request's context processors.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from yibao.core.log_format import current_request_id

logger = logging.getLogger("yibao.outage")

OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionInterrupted,
    RedisConnectionError,
    RedisTimeoutError,
)
RETRY_AFTER_SECONDS = 30
BUSY_MESSAGE = "系统繁忙，请稍后再试"
API_PREFIX = "/api/"


def outage_is(error: BaseException | None) -> bool:
    return isinstance(error, OUTAGE_ERRORS)


def _request_id(request: HttpRequest) -> str:
    return str(getattr(request, "request_id", "") or current_request_id.get())


def outage_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    """503 for `error`, logged once a request as a warning (the kind of error, not a traceback:
    a middleware further out may meet the same outage again on the way back)."""
    if not getattr(request, "_yibao_outage_logged", False):
        request._yibao_outage_logged = True  # type: ignore[attr-defined]
        logger.warning("service unavailable: %s on %s %s", type(error).__name__, request.method, request.path)
    response: HttpResponse
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"ok": False, "message": BUSY_MESSAGE}, status=503)
    else:
        html = loader.render_to_string(
            "503.html", {"request_id": _request_id(request), "posted": request.method == "POST"}
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class OutageMiddleware:
    """Turns an outage raised by a view into the 503 page (last in MIDDLEWARE but the metrics, so
    its process_exception runs before the others')."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return outage_response(request, exception) if outage_is(exception) else None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an outage gets the 503 page; any other error the plain 500 page with the
    request id to quote to the help desk."""
    error = sys.exc_info()[1]
    if error is not None and outage_is(error):
        return outage_response(request, error)
    html = loader.render_to_string("500.html", {"request_id": _request_id(request)})
    return HttpResponse(html, status=500)
