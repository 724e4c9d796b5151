"""Whole-project checks on the URL map: every route is guarded and kebab-case."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from yibao.core.guards import GUARD_ATTRIBUTE, Guard

# Route prefixes and the guards a route under them may have; the longest prefix a route starts
# with decides.
REQUIRED_GUARDS = {
    "agency/": {Guard.STAFF},
    "agency/login/": {Guard.PUBLIC},  # the staff login's steps
    "_dev/": {Guard.DEV},
    "hall/": {Guard.UNIT_ADMIN, Guard.OPERATOR, Guard.GRANT, Guard.LOGIN},
    "hall/unit/": {Guard.UNIT_ADMIN},  # 单位管理: the unit admin only
    "hall/services/": {Guard.GRANT, Guard.OPERATOR},  # business items: checked against the grants
    "internal/": {Guard.TOKEN},  # machine clients: bearer token (tested in test_internal_api.py)
}
SEGMENT = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$|^<[a-z_]+:[a-z_]+>$|^$")
DEV_PREFIX = "_dev"  # development-only pages (DESIGN §6) live under /_dev/


def walk(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # Django's admin guards itself (staff login)
            yield from walk(entry, route)
        else:
            yield route, entry


def project_routes() -> list[tuple[str, Any]]:
    return [(route, pattern.callback) for route, pattern in walk(get_resolver())]


def test_every_route_declares_its_guard() -> None:
    unguarded = [route for route, view in project_routes() if not getattr(view, GUARD_ATTRIBUTE, None)]
    assert unguarded == []


def test_routes_under_protected_prefixes_have_the_required_guard() -> None:
    wrong = []
    for route, view in project_routes():
        prefixes = [prefix for prefix in REQUIRED_GUARDS if route.startswith(prefix)]
        if prefixes and getattr(view, GUARD_ATTRIBUTE, None) not in REQUIRED_GUARDS[max(prefixes, key=len)]:
            wrong.append(route)
    assert wrong == []


def test_url_paths_are_kebab_case() -> None:
    bad = []
    for route, _view in project_routes():
        segments = route.strip("/").split("/")
        if segments[0] == DEV_PREFIX:
            segments = segments[1:]
        bad += [route for segment in segments if not SEGMENT.match(segment)]
    assert bad == []


def test_the_guard_walk_sees_the_known_routes() -> None:
    routes = {route for route, _ in project_routes()}
    assert {"", "services/", "agency/", "regions/", "_dev/components/"} <= routes


def test_dev_pages_are_refused_without_dev_affordances(client, settings) -> None:
    settings.YIBAO_DEV_AFFORDANCES = False
    dev_routes = [route for route, _ in project_routes() if route.startswith(DEV_PREFIX)]
    assert dev_routes != []
    for route in dev_routes:
        assert client.get("/" + route).status_code == 404, route
