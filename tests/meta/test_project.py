"""Templates compile, migrations are up to date, settings behave per environment."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import engines

ROOT = Path(__file__).resolve().parents[2]


def template_names() -> list[str]:
    names = []
    dirs = [ROOT / "templates", *(ROOT / "yibao").glob("*/templates")]
    for base in dirs:
        names += [str(path.relative_to(base)) for path in base.rglob("*.html")]
    return sorted(names)


@pytest.mark.parametrize("name", template_names())
def test_template_compiles(name: str) -> None:
    engines["django"].get_template(name)


@pytest.mark.django_db
def test_migrations_are_up_to_date() -> None:
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)


GATEWAY = {
    "YIBAO_SMS_BACKEND": "yibao.accounts.sms.HttpGatewayBackend",
    "YIBAO_SMS_GATEWAY_URL": "https://sms.example.cn/send",
}


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "k" + os.urandom(32).hex() + "-Zq9!",
        "DJANGO_ALLOWED_HOSTS": "yibao.example.cn",
        "YIBAO_VAR_DIR": str(tmp_path),
        **extra,
    }


def clean_environ() -> dict[str, str]:
    """The environment without what the browser tests set for themselves."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env={**clean_environ(), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_in_production_with_a_secret_key(tmp_path: Path) -> None:
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path, **GATEWAY)
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = run_manage(
        "check",
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": "",
            "YIBAO_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_check_deploy_fails_when_dev_affordances_are_on(tmp_path: Path) -> None:
    result = run_manage(
        "check", "--deploy", env=production_env(tmp_path, YIBAO_DEV_AFFORDANCES="1", **GATEWAY)
    )
    assert result.returncode != 0
    assert "yibao.E001" in result.stderr + result.stdout


def test_check_deploy_fails_with_the_sms_outbox(tmp_path: Path) -> None:
    result = run_manage("check", "--deploy", env=production_env(tmp_path))
    assert result.returncode != 0
    assert "yibao.E003" in result.stderr + result.stdout


def test_default_database_is_sqlite_in_wal_mode_under_var() -> None:
    if os.environ.get("DATABASE_URL"):
        pytest.skip("suite runs against DATABASE_URL")
    from config import settings as base

    db = base.DATABASES["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_language_and_time_zone() -> None:
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def settings_in_subprocess(env: dict[str, str], expression: str, tmp_path: Path) -> str:
    code = f"import config.settings as s; print({expression})"
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean_environ(), "DATABASE_URL": "", "REDIS_URL": "", "YIBAO_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_database_url_selects_postgresql(tmp_path: Path) -> None:
    engine = settings_in_subprocess(
        {"DATABASE_URL": "postgres://u@127.0.0.1:5432/yibao"}, "s.DATABASES['default']['ENGINE']", tmp_path
    )
    assert engine == "django.db.backends.postgresql"


def test_redis_url_moves_cache_and_sessions_to_redis(tmp_path: Path) -> None:
    out = settings_in_subprocess(
        {"REDIS_URL": "redis://127.0.0.1:6379/5"},
        "repr((s.CACHES['default']['BACKEND'], s.SESSION_ENGINE))",
        tmp_path,
    )
    # Django's cache store, except that an unreachable Redis is an outage (yibao/core/sessions.py)
    assert out == "('django_redis.cache.RedisCache', 'yibao.core.sessions')"


def test_nothing_set_means_local_memory_cache_and_database_tasks(tmp_path: Path) -> None:
    out = settings_in_subprocess(
        {}, "repr((s.CACHES['default']['BACKEND'], s.TASKS['default']['BACKEND']))", tmp_path
    )
    assert out == "('django.core.cache.backends.locmem.LocMemCache', 'django_tasks_db.DatabaseBackend')"
