"""Reads of reference data, cached: divisions change a few times a year."""

from __future__ import annotations

import time
from dataclasses import dataclass

from yibao.core.models import Division

_TREE_SECONDS = 600
# Process-local: ~3,200 small nodes. A shared cache would unpickle the whole tree on every
# lookup (measured ~18 ms each); divisions change a few times a year, so each process reloads
# them every ten minutes (and at once after `load_reference` in that process).
_tree_memo: tuple[float, dict[str, DivisionNode], dict[str | None, list[DivisionNode]]] | None = None


@dataclass(frozen=True)
class DivisionNode:
    code: str
    name: str
    level: int
    parent: str | None


def _load() -> tuple[dict[str, DivisionNode], dict[str | None, list[DivisionNode]]]:
    global _tree_memo
    now = time.monotonic()
    if _tree_memo is None or now - _tree_memo[0] > _TREE_SECONDS:
        nodes = {
            code: DivisionNode(code, name, level, parent)
            for code, name, level, parent in Division.objects.filter(is_active=True)
            .order_by("code")
            .values_list("code", "name", "level", "parent_id")
        }
        children: dict[str | None, list[DivisionNode]] = {}
        for node in nodes.values():
            children.setdefault(node.parent, []).append(node)
        _tree_memo = (now, nodes, children)
    return _tree_memo[1], _tree_memo[2]


def _tree() -> dict[str, DivisionNode]:
    return _load()[0]


def division_tree_clear() -> None:
    global _tree_memo
    _tree_memo = None


def division_get(code: str | None) -> DivisionNode | None:
    if not code:
        return None
    return _tree().get(code)


def division_children(parent: str | None) -> list[DivisionNode]:
    """Provinces when `parent` is None, else the direct children of `parent`."""
    return list(_load()[1].get(parent, []))


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
