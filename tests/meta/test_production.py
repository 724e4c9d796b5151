"""The production start (README «Production»): settings, static files, gunicorn's and nginx's
configurations, each checked the way the deployment uses them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.meta.test_project import GATEWAY, ROOT, clean_environ, production_env, run_manage

METRICS = {
    "YIBAO_METRICS_ALLOWED_ADDRESSES": "10.0.0.0/8,127.0.0.1",
    "YIBAO_METRICS_TOKEN": "m3tr1cs-Sc4pe-T0ken-aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
}
SERVICES = {
    "DATABASE_URL": "postgres://yibao@127.0.0.1:5432/yibao",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "YIBAO_TRUSTED_PROXIES": "1",
}


def production_settings(tmp_path: Path, expression: str, **extra: str) -> subprocess.CompletedProcess[str]:
    code = f"import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({expression}))"
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean_environ(), **production_env(tmp_path, **GATEWAY), **extra},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_the_services_and_metrics_of_a_province(tmp_path: Path) -> None:
    env = production_env(tmp_path, **GATEWAY, **SERVICES, **METRICS)
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_for_serving(tmp_path: Path) -> None:
    expression = (
        "[s.STORAGES['staticfiles']['BACKEND'], s.LOGGING['handlers']['console']['formatter'], s.SESSION_ENGINE,"
        " s.CACHES['default']['OPTIONS']['SOCKET_TIMEOUT'], list(s.SECURE_PROXY_SSL_HEADER),"
        " s.DATABASES['default']['CONN_HEALTH_CHECKS'], s.DATABASES['default']['OPTIONS']['connect_timeout'],"
        " s.SECURE_REDIRECT_EXEMPT, s.MIDDLEWARE[1], s.MIDDLEWARE[-2]]"
    )
    result = production_settings(tmp_path, expression, **SERVICES)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "json",
        "yibao.core.sessions",
        2,
        ["HTTP_X_FORWARDED_PROTO", "https"],
        True,
        5,
        ["^ops/"],
        "yibao.core.request_id.RequestIdMiddleware",
        "yibao.core.outage.OutageMiddleware",
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"YIBAO_METRICS_TOKEN": "short"}, "YIBAO_METRICS_TOKEN is too weak"),
        ({"YIBAO_METRICS_ALLOWED_ADDRESSES": "10.0.0.0/33"}, "is not an address or network"),
        ({"YIBAO_LOG_FORMAT": "xml"}, "YIBAO_LOG_FORMAT must be json or plain"),
    ],
)
def test_bad_serving_settings_stop_the_start(tmp_path: Path, extra: dict[str, str], message: str) -> None:
    result = production_settings(tmp_path, "1", **extra)
    assert result.returncode != 0
    assert message in result.stderr


def test_collectstatic_writes_compressed_hashed_files(tmp_path: Path) -> None:
    result = run_manage("collectstatic", "--noinput", "-v", "0", env=production_env(tmp_path, **GATEWAY))
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/yibao.css"]
    assert hashed != "css/yibao.css" and hashed.startswith("css/yibao.")
    assert (tmp_path / "static" / f"{hashed}.gz").exists()
    assert (tmp_path / "static" / f"{hashed}.br").exists()


def test_gunicorn_accepts_its_configuration(tmp_path: Path) -> None:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [str(gunicorn), "--check-config", "-c", "config/gunicorn.conf.py"],
        cwd=ROOT,
        env={
            **clean_environ(),
            **production_env(tmp_path, **GATEWAY),
            "WEB_CONCURRENCY": "3",
            "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed")
def test_the_example_nginx_configuration_is_valid(tmp_path: Path) -> None:
    """deploy/nginx/yibao.conf inside a minimal nginx.conf, with a throwaway certificate."""
    from tests.meta.tls import self_signed_write

    cert, key = self_signed_write(tmp_path)
    site = (ROOT / "deploy" / "nginx" / "yibao.conf").read_text()
    site = site.replace("/etc/ssl/yibao/fullchain.pem", str(cert)).replace(
        "/etc/ssl/yibao/privkey.pem", str(key)
    )
    (tmp_path / "yibao.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n access_log off;\n include {tmp_path}/yibao.conf;\n}}\n"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
