"""gunicorn's configuration for the production start (`make serve`, scripts/serve.sh).

Every number can be set from the environment; the defaults suit one node behind the TLS proxy of
deploy/nginx/yibao.conf on the same machine.

- Workers: WEB_CONCURRENCY, else 2 × CPUs + 1 (the hall's pages wait on PostgreSQL and Redis a
  good part of their time, so one process per core would leave the cores idle). Sync workers:
  the proxy buffers requests and responses, so a slow client never holds a worker; a request
  holds one worker for its whole time. GUNICORN_THREADS > 1 switches to threaded workers.
- Timeouts: GUNICORN_TIMEOUT (120 s) is how long a worker may work on one request before the
  master kills it: the longest legitimate request is a batch's printed form or the download of a
  large finished export (exports are made by the task workers); the proxy's proxy_read_timeout
  matches. GUNICORN_GRACEFUL_TIMEOUT (30 s):
  on SIGTERM or a reload (SIGHUP) a worker finishes the request in hand for at most this long.
  GUNICORN_KEEPALIVE (5 s): keep-alive towards the proxy, longer than nothing and shorter than
  the proxy's upstream keepalive_timeout.
- Memory: once a worker has loaded the hall (`post_worker_init`) it imports the URLconf and
  freezes what it holds (gc.freeze): the collector no longer walks the framework's objects, so a
  full collection costs a few milliseconds, and printing (yibao.core.pdf) collects the renderer's
  reference cycles right after each PDF (left to the collector, a worker grew by up to 500 MB of
  garbage between its full collections). A worker's RSS then stays flat.
- Recycling: a worker is still replaced after GUNICORN_MAX_REQUESTS (10000) requests, plus a
  random 0–GUNICORN_MAX_REQUESTS_JITTER (1000) so that the workers do not all restart at once,
  against whatever a long-lived process may still accumulate. Each restart costs the new worker
  about a second of CPU to import the hall (every 1000 requests that was a tenth of the web tier's
  CPU under load).
- No preload (preload_app = False): each worker imports the hall after the fork. Preloading would
  save some memory at start, but Django's modules are mostly touched again (reference counts
  break copy-on-write), a connection opened while importing would be shared by every worker,
  prometheus_client's per-process files need the worker's own pid, and `kill -HUP` (graceful
  reload) only loads new code when the workers import it themselves.
- Logs: JSON lines on stdout (access) and stderr (errors) through yibao.core.log_format, the
  access line with the request id the hall answered with (config/gunicorn_logging.py).
- Metrics: PROMETHEUS_MULTIPROC_DIR (var/prometheus unless set) is emptied at start and each
  dead worker's live gauges are dropped, so /ops/metrics/ adds up every worker's figures.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


wsgi_app = "config.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND", f"127.0.0.1:{_int('PORT', 8000)}")]
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 1000)
preload_app = False
# The proxy's address: only from there are X-Forwarded-* believed by gunicorn (Django reads
# X-Forwarded-Proto itself through SECURE_PROXY_SSL_HEADER; the client address through
# YIBAO_TRUSTED_PROXIES).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Request line and headers: the proxy refuses larger ones first (large_client_header_buffers).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
proc_name = "yibao"
# The temporary heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108 - gunicorn's documented advice

# --- Logs ---------------------------------------------------------------------------------------
logger_class = "config.gunicorn_logging.JsonAccessLogger"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
_LOG_FORMATTER = {"()": "yibao.core.log_format.JsonFormatter"}
logconfig_dict: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": _LOG_FORMATTER},
    "handlers": {
        "access": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        "error": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
    },
    "loggers": {
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["error"], "level": loglevel.upper(), "propagate": False},
    },
    "root": {"handlers": ["error"], "level": "INFO"},
}

# --- Metrics of every worker ---------------------------------------------------------------------
_metrics_dir = Path(os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(ROOT / "var" / "prometheus")))
_metrics_dir.mkdir(parents=True, exist_ok=True)  # also for `gunicorn --check-config`, which loads the app


def on_starting(server: Any) -> None:
    """In the master, before any worker: the figures of a previous run are not this run's."""
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    _metrics_dir.mkdir(parents=True, exist_ok=True)


def post_worker_init(worker: Any) -> None:
    """The worker has loaded the application: load the URLconf too (else the first request
    does), then freeze the heap for the collector (see «Memory» above)."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    gc.collect()
    gc.freeze()


def child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
