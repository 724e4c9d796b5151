from __future__ import annotations

from django.conf import settings
from django.db import models

from yibao.core.models import Division, TimeStampedModel
from yibao.core.storage import private_storage, random_file_name


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
    # clct_way: contributions are collected by the tax bureau (02) in most provinces since 2019–2020;
    # the agency records another way where it applies.
    collection_way = models.CharField("征收方式", max_length=2, default="02")
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name="医保区划", db_column="admdvs"
    )
    address = models.CharField("单位注册地址", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)
    legal_rep_name = models.CharField("法定代表人姓名", max_length=50, blank=True)
    legal_rep_cert_type = models.CharField("法定代表人证件类型", max_length=2, default="01")
    legal_rep_cert_no = models.CharField("法定代表人证件号码", max_length=30, blank=True)
    legal_rep_mobile = models.CharField("法定代表人移动电话", max_length=11, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)  # coner_name
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)  # tel
    contact_address = models.CharField("单位通讯地址", max_length=200, blank=True)
    qualification = models.CharField(
        "资质认证状态", max_length=12, choices=Qualification.choices, default=Qualification.UNCERTIFIED
    )
    populations = models.ManyToManyField(
        "units.Population", blank=True, related_name="units", verbose_name="单位管理人群"
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


class UnitRole(models.TextChoices):
    """The roles a unit can be certified for (角色认证); they decide which items can be granted."""

    INSURED = "insured", "参保单位"
    MEDICAL = "medical", "医疗机构"
    PHARMACY = "pharmacy", "零售药店"
    PROCUREMENT = "procurement", "招采企业"
    PHARMA = "pharma", "医药企业"


class RoleCertification(TimeStampedModel):
    """One role a unit asked to be certified for (去认证 → 确定), and the outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        CERTIFIED = "certified", "已认证"
        FAILED = "failed", "认证失败"

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="roles", verbose_name="单位")
    role = models.CharField("角色", max_length=12, choices=UnitRole.choices)
    status = models.CharField("认证状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField("认证说明", max_length=200, blank=True)
    decided_at = models.DateTimeField("认证时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="审核人",
    )

    class Meta:
        verbose_name = "角色认证"
        verbose_name_plural = "角色认证"
        ordering = ["unit", "role"]
        constraints = [models.UniqueConstraint(fields=["unit", "role"], name="units_role_once_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_role_display()} {self.get_status_display()}"


class Population(models.Model):
    """管理人群: a group of a unit's insured persons, by 人员类别 (psn_type).

    Grants name populations to narrow which persons an operator may act on.
    """

    code = models.CharField("人群编码", max_length=20, unique=True)
    name = models.CharField("人群名称", max_length=40)
    psn_types = models.JSONField("人员类别", default=list, help_text='人员类别代码列表，如 ["1101", "1102"]')
    description = models.CharField("说明", max_length=200, blank=True)
    is_default = models.BooleanField("新注册单位默认具有", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "管理人群"
        verbose_name_plural = "管理人群"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


def licence_file_name(instance: LicenceSubmission, filename: str) -> str:
    return random_file_name("licences", instance.content_type)


class LicenceSubmission(TimeStampedModel):
    """营业执照上传 (资质认证): one uploaded licence and the agency's decision on it."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "未通过"

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="licences", verbose_name="单位")
    file = models.FileField(
        "营业执照文件", storage=private_storage, upload_to=licence_file_name, max_length=200
    )
    content_type = models.CharField("文件类型", max_length=40)
    size = models.PositiveIntegerField("文件大小（字节）")
    status = models.CharField("审核状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField("审核意见", max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="提交人",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="审核人",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = "营业执照（资质认证）"
        verbose_name_plural = "营业执照（资质认证）"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "-created_at"], name="units_licence_unit_idx")]
        constraints = [
            # One submission waits for review at a time.
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(status="pending"), name="units_licence_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} 营业执照 {self.get_status_display()}"


class CreditCondition(models.TextChoices):
    """The facts a credit rule can rest on; each is evaluated in `yibao.contributions.credit`."""

    BASE = "base", "基础分（所有单位）"
    QUALIFIED = "qualified", "资质认证已通过"
    ROLE_CERTIFIED = "role_certified", "已通过角色认证"
    OPERATOR_GRANTED = "operator_granted", "已绑定并授权经办人"
    LEGAL_REP_MOBILE = "legal_rep_mobile", "法人手机号已登记"
    REGISTERED_YEAR = "registered_year", "注册满一年"
    PAID_12_MONTHS = "paid_12_months", "近12个月缴费均已到账"
    UNPAID = "unpaid", "近12个月存在未到账缴费"


class CreditRule(models.Model):
    """One line of 我的信用: points given when the condition holds (negative for a deduction)."""

    code = models.CharField("规则编码", max_length=30, unique=True)
    name = models.CharField("规则名称", max_length=40)
    description = models.CharField("说明", max_length=200, blank=True)
    condition = models.CharField("条件", max_length=20, choices=CreditCondition.choices)
    points = models.SmallIntegerField("分值", help_text="满足条件时加的分；扣分填负数")
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "信用规则"
        verbose_name_plural = "信用规则"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class CreditLevel(models.Model):
    """信用等级: a unit has the highest level whose minimum score it reaches."""

    code = models.CharField("等级编码", max_length=4, unique=True)
    name = models.CharField("等级名称", max_length=20)
    min_score = models.SmallIntegerField("最低分", unique=True)

    class Meta:
        verbose_name = "信用等级"
        verbose_name_plural = "信用等级"
        ordering = ["-min_score"]

    def __str__(self) -> str:
        return f"{self.code}（{self.name}）"


class UnitCertificate(models.Model):
    """A CA certificate bound to a unit (数字证书): the certificates that may log in as the unit's
    admin by 单位 CA 登录. Unbinding keeps the row (unbound_at/by) as history; one certificate
    (by fingerprint) is bound to one unit at a time."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="certificates", verbose_name="单位")
    subject = models.CharField("证书主题", max_length=500)
    issuer = models.CharField("颁发者", max_length=500)
    serial = models.CharField("序列号", max_length=64)
    fingerprint = models.CharField("证书指纹（SHA-256）", max_length=64)
    not_before = models.DateTimeField("生效时间")
    not_after = models.DateTimeField("失效时间")
    bound_at = models.DateTimeField("绑定时间")
    bound_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="绑定人",
    )
    unbound_at = models.DateTimeField("解除绑定时间", null=True, blank=True)
    unbound_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="解除绑定人",
    )

    class Meta:
        verbose_name = "单位数字证书"
        verbose_name_plural = "单位数字证书"
        ordering = ["-bound_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=models.Q(unbound_at__isnull=True),
                name="units_certificate_bound_once",
            )
        ]
        indexes = [models.Index(fields=["unit", "unbound_at"], name="units_cert_unit_active")]

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial})"

    @property
    def active(self) -> bool:
        return self.unbound_at is None
