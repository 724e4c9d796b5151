"""The order of the apps (pyproject's import-linter contract, run by `make lint`) names every app."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "layers"]
    return contract


def _layered_apps() -> set[str]:
    names = set()
    for layer in _contract()["layers"]:
        for part in layer.replace(":", "|").split("|"):
            names.add(part.strip().strip("()"))
    return names


def test_every_app_has_a_place_in_the_order():
    apps = {f"yibao.{path.parent.name}" for path in (ROOT / "yibao").glob("*/__init__.py")}
    assert apps - _layered_apps() == set()


def test_only_tests_may_import_upward():
    """The one ignored import: tests build fixtures from any app. Everything else follows the order."""
    assert _contract()["ignore_imports"] == ["yibao.*.tests.** -> yibao.**"]
