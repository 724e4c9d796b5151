"""Region names and the region filter's picker, from a process-local index of the divisions.

`yibao.core.selectors` keeps the division tree in the shared cache, which returns a fresh copy
of all ~3,200 nodes on every lookup (about 5 ms each here); a list page that names the region of
20 rows, plus a picker, would spend hundreds of milliseconds on that. The catalogue pages read
this index instead: built once per process from one query and rebuilt after `INDEX_SECONDS`,
the same staleness the shared cache allows.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from yibao.core.models import Division
from yibao.core.widgets import LEVEL_LABELS, REFRESH_FIELD, RegionPickerField
from yibao.core.widgets import RegionPickerWidget as SharedRegionPickerWidget

INDEX_SECONDS = 600
PLACEHOLDER_NAMES = {"市辖区", "县"}


@dataclass
class RegionIndex:
    names: dict[str, str] = field(default_factory=dict)
    parents: dict[str, str | None] = field(default_factory=dict)
    children: dict[str | None, list[tuple[str, str]]] = field(default_factory=dict)
    full_names: dict[str, str] = field(default_factory=dict)
    built_at: float = 0.0

    def path(self, code: str | None) -> list[str]:
        """Codes from the province down to `code` (empty when unknown)."""
        chain: list[str] = []
        while code and code in self.names:
            chain.append(code)
            code = self.parents[code]
        return list(reversed(chain))

    def full_name(self, code: str | None) -> str:
        if not code or code not in self.names:
            return ""
        name = self.full_names.get(code)
        if name is None:
            name = "".join(self.names[c] for c in self.path(code) if self.names[c] not in PLACEHOLDER_NAMES)
            self.full_names[code] = name
        return name

    def chain(self, values: list[Any]) -> list[str | None]:
        """A province, a city in it and a county in that city; what does not fit is dropped."""
        province, city, county = ([*list(values), None, None, None])[:3]
        province = province if province in self.names and self.parents[province] is None else None
        city = city if city in self.names and province and self.parents[city] == province else None
        county = county if county in self.names and city and self.parents[county] == city else None
        return [province, city, county]


_lock = threading.Lock()
_index = RegionIndex()


def region_index() -> RegionIndex:
    global _index  # one index per process, swapped whole
    if time.monotonic() - _index.built_at < INDEX_SECONDS and _index.names:
        return _index
    with _lock:
        if time.monotonic() - _index.built_at < INDEX_SECONDS and _index.names:
            return _index
        index = RegionIndex(built_at=time.monotonic())
        rows = (
            Division.objects.filter(is_active=True).order_by("code").values_list("code", "name", "parent_id")
        )
        for code, name, parent in rows:
            index.names[code] = name
            index.parents[code] = parent
            index.children.setdefault(parent, []).append((code, name))
        _index = index
    return _index


def region_index_clear() -> None:
    global _index
    _index = RegionIndex()


def region_full_name(code: str | None) -> str:
    return region_index().full_name(code)


class RegionPickerWidget(SharedRegionPickerWidget):
    """The shared three-level picker, filled from the process-local index.

    It keeps the shared class name: `components/field.html` recognises the picker by its
    widget_type ("regionpicker", derived from the class name) and renders it as a fieldset.
    """

    def decompress(self, value: Any) -> list[str | None]:
        path: list[str | None] = list(region_index().path(value)) if value else []
        return [*path, None, None, None][:3]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        index = region_index()
        if not isinstance(value, list):
            value = self.decompress(value)
        chosen = index.chain(value)
        parents: list[str | None] = [None, chosen[0], chosen[1]]
        for level, widget in enumerate(self.widgets):
            parent = parents[level]
            nodes = index.children.get(parent, []) if (level == 0 or parent) else []
            widget.choices = [("", "请选择"), *nodes]  # type: ignore[attr-defined]
        # RegionPickerWidget.get_context would look the options up again through the shared cache.
        context = forms.MultiWidget.get_context(self, name, chosen, attrs)
        context.update(self._picker_context())
        return context

    def _picker_context(self) -> dict[str, Any]:
        return {
            "level_labels": LEVEL_LABELS,
            "options_url": reverse("core:division-options"),
            "refresh_field": REFRESH_FIELD,
        }


class RegionFilterField(RegionPickerField):
    """A region to search in, chosen to any depth: a province alone is a valid choice."""

    widget = RegionPickerWidget
    default_error_messages = {"invalid": "所选区域不存在，请重新选择"}

    def compress(self, data_list: list[str | None]) -> str | None:
        if not data_list or not any(data_list):
            return None
        chosen = [*list(data_list), None, None, None][:3]
        chain = region_index().chain(chosen)
        for level, code in enumerate(chosen):
            if code and chain[level] is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        deepest = [code for code in chain if code]
        return deepest[-1] if deepest else None
