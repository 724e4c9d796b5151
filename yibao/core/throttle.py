"""Counting attempts per subject (an address, an account) in fixed windows, in the shared cache.

With Redis as the cache every web process counts together; the local-memory cache of
development counts per process. The subject is hashed before it becomes a cache key, so no
address or account number is kept in clear.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Throttle:
    name: str
    limit: int
    window_seconds: int

    def _key(self, subject: str, now: float) -> str:
        digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
        return f"throttle:{self.name}:{digest}:{int(now // self.window_seconds)}"

    def count(self, subject: str) -> int:
        return int(cache.get(self._key(subject, time.time())) or 0)

    def exceeded(self, subject: str) -> bool:
        return self.count(subject) >= self.limit

    def hit(self, subject: str) -> int:
        """Count one attempt; return how many this window holds now."""
        key = self._key(subject, time.time())
        cache.add(key, 0, timeout=self.window_seconds + 1)
        try:
            return int(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=self.window_seconds + 1)
            return 1

    def retry_after(self) -> int:
        """Seconds until the current window ends."""
        return self.window_seconds - int(time.time()) % self.window_seconds
