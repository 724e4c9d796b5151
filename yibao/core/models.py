"""Shared base model, reference code tables, administrative divisions and audit events."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class CodeTable(models.Model):
    """A national code table (dictionary), e.g. insutype 险种类型."""

    code = models.CharField("代码表标识", max_length=40, primary_key=True)
    name = models.CharField("代码表名称", max_length=60)
    source = models.CharField("来源", max_length=300, blank=True)

    class Meta:
        verbose_name = "代码表"
        verbose_name_plural = "代码表"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class CodeItem(models.Model):
    table = models.ForeignKey(
        CodeTable, on_delete=models.CASCADE, related_name="items", verbose_name="代码表"
    )
    code = models.CharField("代码值", max_length=20)
    label = models.CharField("名称", max_length=100)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "代码项"
        verbose_name_plural = "代码项"
        ordering = ["table", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["table", "code"], name="core_codeitem_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Division(models.Model):
    """GB/T 2260 administrative division, used as 医保区划 (admdvs)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, "省级"
        CITY = 2, "地级"
        COUNTY = 3, "县级"

    code = models.CharField("区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=60)
    level = models.PositiveSmallIntegerField("级别", choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name="上级区划",
    )
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "医保区划"
        verbose_name_plural = "医保区划"
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "code"], name="core_division_parent_idx")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class AuditEvent(models.Model):
    """Append-only record of a change made by a service: who, for which unit, what, from where."""

    occurred_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="操作人",
    )
    actor_label = models.CharField("操作人名称", max_length=100, blank=True)
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="单位"
    )
    action = models.CharField("操作", max_length=80, db_index=True)
    object_type = models.CharField("对象类型", max_length=80, blank=True)
    object_id = models.CharField("对象标识", max_length=64, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    user_agent = models.CharField("客户端", max_length=300, blank=True)

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "-occurred_at"], name="core_audit_unit_idx"),
            models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action}"
