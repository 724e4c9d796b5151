"""Session lifetime and caching rules that hold for every page of a logged-in user."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers

STARTED_KEY = "yibao_session_started"
RENEWED_KEY = "yibao_session_renewed"
EXPIRED_MESSAGE = "登录已超过最长有效时间，请重新登录"


class SessionLifetimeMiddleware:
    """The idle timeout and an absolute lifetime of a session.

    - Idle: a session lives SESSION_COOKIE_AGE after it was last saved; a request renews it (saves
      it, with a new cookie) when the last renewal is YIBAO_SESSION_RENEW_SECONDS old or more, so
      the timeout counts from the last request to within that many seconds. (Saving on every
      request, SESSION_SAVE_EVERY_REQUEST, cost every page a read and a write of the session
      store for the same effect.)
    - Absolute: YIBAO_SESSION_MAX_SECONDS after it began, a login session ends however active it
      was, and the request goes to the same address again, where the page's guard asks for a new
      login."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if session.session_key is not None:  # the browser holds a session cookie
            now = int(time.time())
            renewed = session.get(RENEWED_KEY)
            # still a session once loaded (an expired one is not started again for a renewal)
            stale = renewed is None or now - int(renewed) >= settings.YIBAO_SESSION_RENEW_SECONDS
            if session.session_key is not None and stale:
                session[RENEWED_KEY] = now
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(STARTED_KEY)
            if started is None:  # the first request of this login (login rotates the session)
                request.session[STARTED_KEY] = now
            elif now - int(started) > settings.YIBAO_SESSION_MAX_SECONDS:
                logout(request)
                messages.info(request, EXPIRED_MESSAGE)
                # a page is asked for again (its guard asks for a login); a form post is not
                # repeated: the portal says why the session ended
                return redirect(request.get_full_path() if request.method in {"GET", "HEAD"} else "/")
        return self.get_response(request)


class PrivatePagesMiddleware:
    """What a logged-in user is shown (pages, exports, files) is never kept by a browser or a
    shared cache: `Cache-Control: no-store, private` unless the view said otherwise."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)  # max-age=0, no-cache, no-store, must-revalidate, private
        return response
