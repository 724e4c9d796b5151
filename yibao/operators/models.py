from django.conf import settings
from django.db import models

from yibao.core.models import TimeStampedModel
from yibao.units.models import Unit


class Operator(TimeStampedModel):
    """经办人: one person who may act for several units (OPT_PSN_B)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="operator", verbose_name="账号"
    )
    name = models.CharField("经办人姓名", max_length=50)
    mobile = models.CharField("经办人移动电话", max_length=11, unique=True)
    cert_type = models.CharField("证件类型", max_length=2, default="01")
    cert_no = models.CharField("证件号码", max_length=30)
    cert_valid_from = models.DateField("证件有效期起始", null=True, blank=True)
    cert_valid_to = models.DateField("证件有效期截止", null=True, blank=True)
    email = models.EmailField("邮箱", blank=True)
    address = models.CharField("个人地址", max_length=200, blank=True)

    class Meta:
        verbose_name = "经办人"
        verbose_name_plural = "经办人"

    def __str__(self) -> str:
        return self.name


class Binding(TimeStampedModel):
    """An operator bound to a unit, with the business items granted there."""

    class Status(models.TextChoices):
        ACTIVE = "active", "正常"
        UNBOUND = "unbound", "已解绑"

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="bindings", verbose_name="单位")
    operator = models.ForeignKey(
        Operator, on_delete=models.CASCADE, related_name="bindings", verbose_name="经办人"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    grants = models.JSONField("授权业务", default=list, blank=True)

    class Meta:
        verbose_name = "经办人绑定"
        verbose_name_plural = "经办人绑定"
        constraints = [
            models.UniqueConstraint(fields=["unit", "operator"], name="operators_binding_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.operator} @ {self.unit}"
