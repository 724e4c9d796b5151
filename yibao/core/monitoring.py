"""Prometheus metrics of the web processes (django-prometheus), never public.

`/ops/metrics/` answers only a scraper that comes from an address in YIBAO_METRICS_ALLOWED_ADDRESSES
(addresses or networks, e.g. `10.0.0.0/8`; the client address as yibao.core.audit.client_address
reads it behind YIBAO_TRUSTED_PROXIES) or that sends `Authorization: Bearer <YIBAO_METRICS_TOKEN>`.
Anyone else, and everyone while neither is configured, gets 404, as for a page that does not exist.

Under gunicorn the workers are separate processes: gunicorn.conf.py sets PROMETHEUS_MULTIPROC_DIR,
where prometheus_client's multiprocess mode keeps every worker's figures, and the view (the
library's) adds them up, so one scrape sees the whole server whichever worker answers it.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from django_prometheus.exports import ExportToDjangoView

from yibao.core.audit import client_address
from yibao.core.guards import Guard, mark_guard

View = TypeVar("View", bound=Callable[..., HttpResponse])
SCHEME = "Bearer "

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks_parse(entries: list[str]) -> list[Network]:
    """The allowed networks; a bare address is a network of one. A malformed entry raises
    ValueError (settings turn it into a refusal to start)."""
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip()]


def address_allowed(address: str | None, networks: list[Network]) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks if network.version == ip.version)


def token_given(request: HttpRequest, expected: str) -> bool:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    given = header[len(SCHEME) :] if header.startswith(SCHEME) else ""
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def monitoring_allowed(request: HttpRequest) -> bool:
    networks = networks_parse(list(settings.YIBAO_METRICS_ALLOWED_ADDRESSES))
    return address_allowed(client_address(request), networks) or token_given(
        request, str(settings.YIBAO_METRICS_TOKEN or "")
    )


def monitoring_required(view: View) -> View:
    """Monitoring systems only (a configured address or the metrics token); 404 for anyone else."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not monitoring_allowed(request):
            raise Http404
        return view(request, *args, **kwargs)

    return mark_guard(cast(View, wrapper), Guard.MONITOR)


@monitoring_required
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    response: HttpResponse = ExportToDjangoView(request)
    response["Cache-Control"] = "no-store"
    return response
