from django.db import models

from yibao.core.models import TimeStampedModel


class Notice(TimeStampedModel):
    """最新公告 shown on the portal."""

    title = models.CharField("标题", max_length=120)
    body = models.TextField("正文")
    published_at = models.DateTimeField("发布时间", db_index=True)
    is_published = models.BooleanField("已发布", default=True)

    class Meta:
        verbose_name = "公告"
        verbose_name_plural = "公告"
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Message(models.Model):
    """我的消息 / 系统通知: a message to a unit (its admin reads it) or to an operator.

    A message to an operator may name the unit it concerns; a message to a unit has no operator.
    """

    class Category(models.TextChoices):
        SYSTEM = "system", "系统通知"
        OPERATOR = "operator", "经办人管理"
        CERTIFICATION = "certification", "认证结果"
        REVIEW = "review", "审核结果"

    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="messages",
        verbose_name="单位",
    )  # fmt: skip
    operator = models.ForeignKey(
        "operators.Operator", null=True, blank=True, on_delete=models.CASCADE, related_name="messages",
        verbose_name="经办人",
    )  # fmt: skip
    category = models.CharField("消息类型", max_length=16, choices=Category.choices, default=Category.SYSTEM)
    title = models.CharField("标题", max_length=120)
    body = models.TextField("内容", blank=True)
    created_at = models.DateTimeField("发送时间", db_index=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False) | models.Q(operator__isnull=False),
                name="notices_message_has_recipient",
            )
        ]
        indexes = [
            models.Index(fields=["unit", "operator", "read_at"], name="notices_message_unit_idx"),
            models.Index(fields=["operator", "read_at"], name="notices_message_operator_idx"),
        ]

    def __str__(self) -> str:
        return self.title
