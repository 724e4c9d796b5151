"""Reads of reference data, cached: divisions change a few times a year."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from yibao.core.models import Division

_TREE_KEY = "core:division-tree:v1"
_TREE_SECONDS = 600


@dataclass(frozen=True)
class DivisionNode:
    code: str
    name: str
    level: int
    parent: str | None


def _tree() -> dict[str, DivisionNode]:
    nodes: dict[str, DivisionNode] | None = cache.get(_TREE_KEY)
    if nodes is None:
        nodes = {
            code: DivisionNode(code, name, level, parent)
            for code, name, level, parent in Division.objects.filter(is_active=True)
            .order_by("code")
            .values_list("code", "name", "level", "parent_id")
        }
        cache.set(_TREE_KEY, nodes, _TREE_SECONDS)
    return nodes


def division_tree_clear() -> None:
    cache.delete(_TREE_KEY)


def division_get(code: str | None) -> DivisionNode | None:
    if not code:
        return None
    return _tree().get(code)


def division_children(parent: str | None) -> list[DivisionNode]:
    """Provinces when `parent` is None, else the direct children of `parent`."""
    return [node for node in _tree().values() if node.parent == parent]


def division_path(code: str | None) -> list[DivisionNode]:
    """From the province down to `code` (empty when unknown)."""
    path: list[DivisionNode] = []
    node = division_get(code)
    while node is not None:
        path.append(node)
        node = division_get(node.parent)
    return list(reversed(path))


def division_full_name(code: str | None) -> str:
    return "".join(node.name for node in division_path(code) if node.name != "市辖区")
