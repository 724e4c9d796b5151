"""Whole public pages kept in the cache (the portal home page, the public catalogues).

A public page is the same for every visitor: the public layout shows no user, no form posts and
no per-visitor token. It is kept per path and query string, stamped with the versions of what it
shows (`yibao.core.cache_versions`): publishing a notice or loading a catalogue edition bumps the
version and the next visitor gets a fresh page. A request that carries a flash message (shown by
the layout) is rendered afresh and not kept, and so is any answer but a plain 200.

Browsers are not told to keep the page (no Cache-Control from here): a notice withdrawn must be
gone on the next visit, and a shared proxy cache would need its own purge.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from yibao.core.cache_versions import version_key, versions_match, versions_read

View = TypeVar("View", bound=Callable[..., HttpResponse])
PREFIX = "v1:page:"  # change "v1" whenever the entry changes shape
HEADER = "X-Page-Cache"  # HIT or MISS: for the benchmark and for whoever reads the logs


def page_cache_key(request: HttpRequest) -> str:
    """Path and query string (its pairs sorted: the same filters in another order are one page),
    hashed so that a long query cannot make a long key."""
    pairs = sorted((key, value) for key, values in request.GET.lists() for value in values)
    raw = f"{request.path}?{pairs!r}"
    return PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in {"GET", "HEAD"}:
        return False
    return len(get_messages(request)) == 0  # counting does not mark the messages shown


def public_page_cached(
    *scopes: str, seconds: int, expires: Callable[[], int | None] | None = None
) -> Callable[[View], View]:
    """Keep the view's page for `seconds` (or until `expires()` seconds, when sooner: a notice
    scheduled for later must appear at its time) unless a version of `scopes` changes first."""

    keys = [version_key(scope) for scope in scopes]

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            key = page_cache_key(request)
            entry = cache.get(key)
            if entry is not None and versions_match(entry["stamp"]):
                response = HttpResponse(entry["content"], content_type=entry["content_type"])
                response[HEADER] = "HIT"
                return response
            stamp = versions_read(keys)  # before the view reads the database
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                timeout = seconds
                if expires is not None:
                    soonest = expires()
                    timeout = seconds if soonest is None else max(1, min(seconds, soonest))
                content_type = response.get("Content-Type", "text/html; charset=utf-8")
                cache.set(
                    key, {"stamp": stamp, "content": response.content, "content_type": content_type}, timeout
                )
            response[HEADER] = "MISS"
            return response

        return cast(View, wrapper)

    return decorate
