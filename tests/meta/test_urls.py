"""Whole-project checks on the URL map: every route is guarded and kebab-case; the old addresses
only redirect."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.views.generic import RedirectView

from yibao.core.guards import GUARD_ATTRIBUTE, Guard
from yibao.portal import legacy_urls

# Route prefixes and the guards a route under them may have; the longest prefix a route starts
# with decides.
REQUIRED_GUARDS = {
    "agency/": {Guard.STAFF},
    "agency/login/": {Guard.PUBLIC},  # the staff login's steps
    "_dev/": {Guard.DEV},
    "api/": {Guard.TOKEN},  # machine clients: bearer token (tested in test_internal_api.py)
    "hall/": {Guard.UNIT_ADMIN, Guard.OPERATOR, Guard.GRANT, Guard.LOGIN},
    # the ways into the hall: open to anyone but 选择单位
    "hall/login/": {Guard.PUBLIC},
    "hall/login/choose-unit/": {Guard.LOGIN},
    "hall/register/": {Guard.PUBLIC},
    "hall/password-recovery/": {Guard.PUBLIC},
    # 单位管理: the unit admin only
    "hall/unit/": {Guard.UNIT_ADMIN},
    "hall/messages/": {Guard.UNIT_ADMIN},  # 我的消息
    "hall/operators/": {Guard.UNIT_ADMIN},  # 单位经办人
    # the operator's hall: the business items are checked against the grants
    "hall/operators/services/": {Guard.GRANT, Guard.OPERATOR},
    "hall/operators/population/": {Guard.OPERATOR},
    # operations: metrics for the monitoring system only; the health probes open and mute
    "ops/": {Guard.MONITOR},
    "ops/health/": {Guard.PUBLIC},
}
# Each app mounts one URL module per area it serves, each once: urls.py for its main area under the
# app's label as namespace, <area>_urls.py under <label>-<area>, mounted under the area's prefix.
AREA_PREFIXES = {
    "public": "verify/",
    "api": "api/",
    "dev": "_dev/",
    "captcha": "captcha/",
    "legacy": "",
    "ops": "ops/",
}
UNNAMESPACED = {
    "yibao.accounts.captcha_urls",  # the captcha widget reverses its own route names
    "yibao.portal.legacy_urls",  # nothing links to an old address
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


def legacy_routes() -> set[str]:
    """The old addresses (yibao/portal/legacy_urls.py, mounted at the root): public redirects to
    guarded pages, exempt from the prefix rules."""
    return {str(pattern.pattern) for pattern in legacy_urls.urlpatterns}


def current_routes() -> list[tuple[str, Any]]:
    legacy = legacy_routes()
    return [(route, view) for route, view in project_routes() if route not in legacy]


def test_every_route_declares_its_guard() -> None:
    unguarded = [route for route, view in project_routes() if not getattr(view, GUARD_ATTRIBUTE, None)]
    assert unguarded == []


def required_guards(route: str) -> set[str] | None:
    prefixes = [prefix for prefix in REQUIRED_GUARDS if route.startswith(prefix)]
    return REQUIRED_GUARDS[max(prefixes, key=len)] if prefixes else None


def test_routes_under_protected_prefixes_have_the_required_guard() -> None:
    wrong = []
    for route, view in current_routes():
        guards = required_guards(route)
        if guards is not None and getattr(view, GUARD_ATTRIBUTE, None) not in guards:
            wrong.append(route)
    assert wrong == []


def test_every_protected_prefix_holds_routes() -> None:
    routes = [route for route, _ in current_routes()]
    assert [prefix for prefix in REQUIRED_GUARDS if not any(r.startswith(prefix) for r in routes)] == []


def test_the_old_addresses_only_redirect_and_are_mounted_at_the_root() -> None:
    routes = dict(project_routes())
    assert legacy_routes() <= routes.keys()
    for route in legacy_routes():
        view = routes[route]
        assert issubclass(view.view_class, RedirectView), route
        assert getattr(view, GUARD_ATTRIBUTE) == Guard.PUBLIC, route


def mounted_modules() -> list[tuple[str, str, str | None]]:
    """(prefix, URL module, namespace) of each include of the root URLconf but the Django admin."""
    return [
        (str(entry.pattern), entry.urlconf_module.__name__, entry.namespace)
        for entry in get_resolver().url_patterns
        if isinstance(entry, URLResolver) and entry.app_name != "admin"
    ]


def test_only_the_portal_is_mounted_at_the_root_and_each_module_once() -> None:
    modules = [module for _, module, _ in mounted_modules()]
    assert len(modules) == len(set(modules))
    assert {module for prefix, module, _ in mounted_modules() if prefix == ""} == {
        "yibao.portal.urls",
        "yibao.portal.legacy_urls",
    }


def test_namespaces_and_prefixes_follow_the_url_modules() -> None:
    wrong = []
    for prefix, module, namespace in mounted_modules():
        _, app, name = module.split(".")
        area = name.removesuffix("urls").removesuffix("_")
        expected = None if module in UNNAMESPACED else f"{app}-{area}" if area else app
        if namespace != expected or (area and not prefix.startswith(AREA_PREFIXES[area])):
            wrong.append((prefix, module, namespace))
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
