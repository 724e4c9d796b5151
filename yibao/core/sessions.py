"""The session store used with Redis (REDIS_URL): Django's cache store, except that an unreachable
cache is an error, not an empty session.

Django's cache store reads a failing cache as "no session" (its answer to memcached's invalid
keys): with Redis down every logged-in user would look logged out, be sent to the login page and
lose the form they posted. Here the outage reaches yibao.core.outage, which answers 503
«系统繁忙»; the session is still there when Redis returns. (django-redis's IGNORE_EXCEPTIONS is
left off for the same reason, and because the login lockout and rate counters in the cache would
then stop counting.)
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.cache import SessionStore as CacheSessionStore

from yibao.core.outage import OUTAGE_ERRORS


class SessionStore(CacheSessionStore):
    def load(self) -> dict[str, Any]:
        try:
            session_data = self._cache.get(self.cache_key)  # type: ignore[attr-defined]
        except OUTAGE_ERRORS:
            raise
        except Exception:  # an invalid key, as in Django's store: start a new session
            session_data = None
        if session_data is not None:
            return session_data
        self._session_key = None
        return {}
