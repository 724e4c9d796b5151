"""Identities of the 统一身份认证平台 linked to the units they log in as."""

from __future__ import annotations

from django.db import models

from yibao.units.models import Unit


class PlatformIdentity(models.Model):
    """A legal-person identity of an OpenID Connect provider (issuer + subject), linked to one
    unit the first time it logs in or registers. A later login of the identity must assert the
    same unit's 统一社会信用代码, and a unit has at most one identity per issuer."""

    issuer = models.CharField("身份提供方", max_length=255)
    subject = models.CharField("身份标识", max_length=255)
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="platform_identities", verbose_name="单位"
    )
    linked_at = models.DateTimeField("关联时间", auto_now_add=True)
    last_login_at = models.DateTimeField("最近登录时间", null=True, blank=True)

    class Meta:
        verbose_name = "统一身份认证平台身份"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="entry_identity_unique"),
            models.UniqueConstraint(fields=["unit", "issuer"], name="entry_identity_one_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"
