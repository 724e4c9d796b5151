"""A URL map for the outage tests: the project's, plus views that fail the way an outage does."""

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django_redis.exceptions import ConnectionInterrupted

from yibao.core.guards import public_view


@public_view
def database_gone(request: HttpRequest) -> HttpResponse:
    raise OperationalError("terminating connection due to administrator command")


@public_view
def connection_closed(request: HttpRequest) -> HttpResponse:
    raise InterfaceError("connection already closed")


@public_view
def redis_gone(request: HttpRequest) -> HttpResponse:
    raise ConnectionInterrupted(connection=None)


@public_view
def bug(request: HttpRequest) -> HttpResponse:
    raise ValueError("a bug, not an outage")


@public_view
def whoami(request: HttpRequest) -> HttpResponse:
    """Reads the session (the user) and writes it (a counter)."""
    request.session["visits"] = request.session.get("visits", 0) + 1
    name = request.user.get_username() if request.user.is_authenticated else "anonymous"
    return HttpResponse(f"{name} {request.session['visits']}")


urlpatterns = [
    path("outage/database/", database_gone),
    path("outage/connection/", connection_closed),
    path("outage/redis/", redis_gone),
    path("outage/bug/", bug),
    path("outage/whoami/", whoami),
    path("", include("config.urls")),
]
handler500 = "yibao.core.outage.server_error"
