"""The project's URLs plus `/bench/bare/`: a view that answers "ok" through the whole middleware
stack (session, CSRF, auth, CSP …) and nothing else. It exists only in this URLconf, which only
`bench/load.py` passes to the server it starts."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from yibao.core.guards import public_view


@public_view
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("config.urls")),
]
