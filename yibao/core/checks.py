"""System checks for yibao settings (run by `manage.py check`, including `--deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from yibao.core.profiles import PROFILES


@checks.register(checks.Tags.security, deploy=True)
def check_dev_affordances_off(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    if getattr(settings, "YIBAO_DEV_AFFORDANCES", False):
        return [
            checks.Error(
                "Development affordances are on in a deployment.",
                hint="Unset YIBAO_DEV_AFFORDANCES and DJANGO_DEBUG in production.",
                id="yibao.E001",
            )
        ]
    return []


@checks.register()
def check_profile_known(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.YIBAO_PROFILE not in PROFILES:
        return [
            checks.Error(
                f"YIBAO_PROFILE={settings.YIBAO_PROFILE!r} is unknown.",
                hint=f"Choose one of: {', '.join(PROFILES)}.",
                id="yibao.E002",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_sms_backend_delivers(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    backend = getattr(settings, "YIBAO_SMS_BACKEND", "")
    if backend.endswith("OutboxBackend"):
        return [
            checks.Error(
                "The SMS outbox backend keeps messages in the database: no code reaches a phone.",
                hint="Set YIBAO_SMS_BACKEND=yibao.accounts.sms.HttpGatewayBackend and YIBAO_SMS_GATEWAY_URL.",
                id="yibao.E003",
            )
        ]
    return []


@checks.register()
def check_pdf_font_installed(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Printed forms, batch lists and 参保证明 are set in one face; without it they cannot print
    (a batch's list) or print in another font."""
    from yibao.core.pdf import FONT_FAMILY, FONT_PACKAGE, pdf_font_find

    if pdf_font_find() is None:
        return [
            checks.Warning(
                f"The PDF font {FONT_FAMILY!r} is not installed: printed forms and certificates cannot be made.",
                hint=f"Install Debian's {FONT_PACKAGE} (scripts/ensure_system_packages.sh run does it as root).",
                id="yibao.W001",
            )
        ]
    return []
