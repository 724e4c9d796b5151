"""A clock tests move instead of sleeping: patch a module's `_now` with it."""

from __future__ import annotations

import datetime

from django.utils import timezone


class Clock:
    def __init__(self, start: datetime.datetime | None = None) -> None:
        self.now = start or timezone.now()

    @classmethod
    def mid_morning(cls) -> Clock:
        """Today at 10:00 local time: tests that move the clock by minutes never cross midnight
        (a daily cap would start again)."""
        today = timezone.localdate()
        return cls(timezone.make_aware(datetime.datetime.combine(today, datetime.time(10))))

    def __call__(self) -> datetime.datetime:
        return self.now

    def move(self, **delta: float) -> None:
        self.now += datetime.timedelta(**delta)
