"""A clock tests move instead of sleeping: patch a module's `_now` with it."""

from __future__ import annotations

import datetime

from django.utils import timezone


class Clock:
    def __init__(self) -> None:
        self.now = timezone.now()

    def __call__(self) -> datetime.datetime:
        return self.now

    def move(self, **delta: float) -> None:
        self.now += datetime.timedelta(**delta)
