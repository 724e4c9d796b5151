from django.conf import settings
from django.db import models

from yibao.core.models import TimeStampedModel
from yibao.units.models import Population, Unit, UnitRole


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
    populations = models.ManyToManyField(
        Population, blank=True, related_name="bindings", verbose_name="管理人群"
    )
    # 数据权限: queries and exports show 证件号码 and 手机号码 in full (masked otherwise).
    full_identity = models.BooleanField("查看完整证件号码和手机号码", default=False)
    unbound_at = models.DateTimeField("解绑时间", null=True, blank=True)

    class Meta:
        verbose_name = "经办人绑定"
        verbose_name_plural = "经办人绑定"
        constraints = [
            models.UniqueConstraint(fields=["unit", "operator"], name="operators_binding_unique_pair")
        ]
        indexes = [models.Index(fields=["unit", "status"], name="operators_binding_unit_idx")]

    def __str__(self) -> str:
        return f"{self.operator} @ {self.unit}"


class ServiceTab(models.TextChoices):
    """The switch of 常用服务 on the operator home (Beijing manual 002 §四.1)."""

    INSURED = "insured", "参保单位服务"
    MEDICAL = "medical", "医疗机构服务"
    PROCUREMENT = "procurement", "招采企业服务"


class MenuGroup(models.TextChoices):
    QUERY = "query", "查询服务"
    HANDLING = "handling", "经办服务"
    PRINTING = "printing", "打印服务"
    CHANGE = "change", "信息变更"
    FILING = "filing", "备案服务"
    ENTERPRISE = "enterprise", "企业服务"


class FunctionRole(models.Model):
    """功能角色: a named bundle of business items, shown as one checkbox group when granting."""

    code = models.CharField("功能角色编码", max_length=20, unique=True)
    name = models.CharField("功能角色名称", max_length=40)
    service_tab = models.CharField("常用服务分类", max_length=12, choices=ServiceTab.choices)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "功能角色"
        verbose_name_plural = "功能角色"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class BusinessItem(models.Model):
    """One business item of the hall (业务事项). The catalogue drives the operator menu, the grant
    dialog and the permission check of every hall view; the system admin edits it."""

    code = models.CharField("事项编码", max_length=40, unique=True)
    name = models.CharField("事项名称", max_length=60)
    function_role = models.ForeignKey(
        FunctionRole, on_delete=models.PROTECT, related_name="items", verbose_name="功能角色"
    )
    menu_group = models.CharField("所属菜单", max_length=12, choices=MenuGroup.choices)
    required_role = models.CharField(
        "要求的单位角色", max_length=12, choices=UnitRole.choices, blank=True,
        help_text="单位须已通过该角色认证，才能将此事项授权给经办人",
    )  # fmt: skip
    description = models.CharField("说明", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "业务事项"
        verbose_name_plural = "业务事项目录"
        ordering = ["function_role__sort_order", "sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Grant(models.Model):
    """A business item granted to a bound operator. `exclusive` rows (the national rule: one
    operator per item and unit) are unique per unit and item, so the database refuses a second
    holder even when two grants race."""

    binding = models.ForeignKey(Binding, on_delete=models.CASCADE, related_name="grants", verbose_name="绑定")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name="单位")
    item = models.ForeignKey(
        BusinessItem, on_delete=models.PROTECT, related_name="grants", verbose_name="业务事项"
    )
    exclusive = models.BooleanField("独占授权", default=False)
    granted_at = models.DateTimeField("授权时间", auto_now_add=True)

    class Meta:
        verbose_name = "经办人授权"
        verbose_name_plural = "经办人授权"
        constraints = [
            models.UniqueConstraint(fields=["binding", "item"], name="operators_grant_once_per_binding"),
            models.UniqueConstraint(
                fields=["unit", "item"],
                condition=models.Q(exclusive=True),
                name="operators_grant_exclusive_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.binding} {self.item}"
