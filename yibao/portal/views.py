from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from yibao.core.cache_versions import Scope
from yibao.core.guards import public_view
from yibao.core.page_cache import public_page_cached
from yibao.notices.selectors import notice_list_latest, notice_next_publication_seconds
from yibao.portal.directory import (
    AUDIENCE_LABELS,
    Audience,
    directory_sections,
    entry_by_slug,
    group_of,
)

HOME_CACHE_SECONDS = 600  # until a notice is published or edited (cache_versions.Scope.NOTICES)


@public_view
@public_page_cached(
    Scope.NOTICES, Scope.HALL, seconds=HOME_CACHE_SECONDS, expires=notice_next_publication_seconds
)
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/home.html",
        {"sections": directory_sections(), "notices": notice_list_latest(limit=6)},
    )


@public_view
def directory(request: HttpRequest) -> HttpResponse:
    audience = request.GET.get("type", "")
    if audience not in {"", *Audience}:
        audience = ""
    query = request.GET.get("q", "")[:40]
    return render(
        request,
        "portal/directory.html",
        {
            "sections": directory_sections(audience=audience, query=query),
            "audience": audience,
            "audience_choices": [("", "全部"), *((a.value, AUDIENCE_LABELS[a]) for a in Audience)],
            "query": query,
        },
    )


@public_view
def service(request: HttpRequest, slug: str) -> HttpResponse:
    entry = entry_by_slug(slug)
    if entry is None:
        raise Http404
    if entry.is_built:
        return redirect(entry.url())
    return render(request, "portal/service_building.html", {"entry": entry, "group": group_of(entry)})


@public_view
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The site's liveness answer: up when the database answers a query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
