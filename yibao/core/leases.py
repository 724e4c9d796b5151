"""The heartbeat of a lease held by a background run (a batch import, an export).

A run that holds a row for a while (status RUNNING, `lease_until` ahead) renews the lease from a
thread of its own, on that thread's own database connection, every `interval` seconds until the
block ends. A worker that dies stops renewing; past the lease, recovery takes the row back. The
renewal is the caller's conditional UPDATE (`renew`: still held by this run?): once it finds the
row taken over, `lost` is set and the beat stops — the run finds out at its next conditional
write. Inside an open transaction (the tests' immediate task backend) there is no heartbeat:
another connection could not see the row, and the run ends before any lease could.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Self

from django.db import DatabaseError, connections, transaction

logger = logging.getLogger(__name__)


class Heartbeat:
    def __init__(self, renew: Callable[[], bool], *, interval: float, name: str) -> None:
        self.renew = renew
        self.interval = interval
        self.name = name
        self.lost = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Self:
        if not transaction.get_connection().in_atomic_block:
            self._thread = threading.Thread(target=self._beat, name=self.name, daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    renewed = self.renew()
                except DatabaseError:  # the database away for a moment: the lease allows for it
                    logger.warning("%s: lease not renewed", self.name, exc_info=True)
                    continue
                if not renewed:
                    self.lost = True
                    return
        finally:
            connections.close_all()  # this thread's own connections
