from django.conf import settings
from django.db import models

from yibao.core.models import Division, TimeStampedModel


class Unit(TimeStampedModel):
    """A registered employer (参保单位): INSU_EMP_INFO_B in the national platform."""

    class Qualification(models.TextChoices):
        UNCERTIFIED = "uncertified", "未认证"
        PENDING = "pending", "待审核"
        CERTIFIED = "certified", "已认证"
        FAILED = "failed", "认证失败"

    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unit",
        verbose_name="单位管理账号",
    )
    emp_no = models.CharField("单位编号", max_length=40, unique=True)
    name = models.CharField("单位名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    emp_type = models.CharField("机构类型", max_length=4, blank=True)
    emp_mgt_type = models.CharField("单位管理类型", max_length=2, default="01")
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name="医保区划", db_column="admdvs"
    )
    address = models.CharField("单位注册地址", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)
    legal_rep_name = models.CharField("法定代表人姓名", max_length=50, blank=True)
    legal_rep_cert_type = models.CharField("法定代表人证件类型", max_length=2, default="01")
    legal_rep_cert_no = models.CharField("法定代表人证件号码", max_length=30, blank=True)
    legal_rep_mobile = models.CharField("法定代表人移动电话", max_length=11, blank=True)
    qualification = models.CharField(
        "资质认证状态", max_length=12, choices=Qualification.choices, default=Qualification.UNCERTIFIED
    )

    class Meta:
        verbose_name = "参保单位"
        verbose_name_plural = "参保单位"
        ordering = ["emp_no"]
        constraints = [
            # A USCC registers one unit account; branches sharing it are bound, not registered.
            models.UniqueConstraint(
                fields=["uscc"],
                condition=models.Q(account__isnull=False),
                name="units_unit_one_account_per_uscc",
            )
        ]

    def __str__(self) -> str:
        return self.name
