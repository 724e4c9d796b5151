"""What the operator layout needs on every page: the units for the switcher."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


class _Hall:
    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @property
    def units(self) -> Sequence[Any]:
        from yibao.operators.hall_frame import operator_hall_frame

        return operator_hall_frame(self.request).units


def hall(request: HttpRequest) -> dict[str, object]:
    """`hall.units` is computed only when a template reads it (the operator layout does), in the
    same query as the operator's unread badge (`yibao.operators.hall_frame`)."""
    return {"hall": SimpleLazyObject(lambda: _Hall(request))}
