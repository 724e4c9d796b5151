from decimal import Decimal

from django.db import models

from yibao.enrollment.models import Person
from yibao.units.models import Unit


class Contribution(models.Model):
    """职工人员缴费明细 (STAF_PSN_CLCT_DETL_D): one person, one 险种, one month (费款所属期)."""

    class Arrival(models.TextChoices):
        PENDING = "0", "未到账"
        ARRIVED = "1", "已到账"
        PARTIAL = "2", "部分到账"

    # Both are covered by the composite indexes below (their leading columns), so no own index.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name="单位", db_index=False
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name="人员", db_index=False
    )
    insutype = models.CharField("险种类型", max_length=5)
    period = models.PositiveIntegerField("费款所属期")  # YYYYMM
    base = models.DecimalField("缴费基数", max_digits=12, decimal_places=2)
    unit_amount = models.DecimalField("单位缴费", max_digits=12, decimal_places=2)
    personal_amount = models.DecimalField("个人缴费", max_digits=12, decimal_places=2)
    arrival = models.CharField("到账状态", max_length=1, choices=Arrival.choices, default=Arrival.PENDING)
    arrival_date = models.DateField("到账日期", null=True, blank=True)

    class Meta:
        verbose_name = "缴费明细"
        verbose_name_plural = "缴费明细"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "period", "insutype", "unit"], name="contributions_unique_month"
            )
        ]
        indexes = [models.Index(fields=["unit", "period"], name="contributions_unit_period_idx")]

    def __str__(self) -> str:
        return f"{self.period} {self.insutype}"

    @property
    def total(self) -> Decimal:
        """合计: 单位缴费 + 个人缴费."""
        return self.unit_amount + self.personal_amount


class UnitContributionMonth(models.Model):
    """单位缴费汇总 (EMP_CLCT_DETL_D): the contributions of one unit, month and 险种, per 人员类别
    and 到账状态, kept by the feed import so that the unit query never sums the detail rows.

    `psn_type` is the person's 人员类别 in this unit for the 险种 (Insurance.psn_type) when the
    month was last imported or rebuilt; "" when the person has no insurance row there.
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name="单位", db_index=False
    )
    period = models.PositiveIntegerField("费款所属期")
    insutype = models.CharField("险种类型", max_length=5)
    psn_type = models.CharField("人员类别", max_length=4, blank=True)
    arrival = models.CharField("到账状态", max_length=1, choices=Contribution.Arrival.choices)
    base_total = models.DecimalField("缴费基数合计", max_digits=16, decimal_places=2)
    unit_total = models.DecimalField("单位缴费", max_digits=16, decimal_places=2)
    personal_total = models.DecimalField("个人缴费", max_digits=16, decimal_places=2)
    persons = models.PositiveIntegerField("缴费人数")
    arrival_date = models.DateField("到账日期", null=True, blank=True)

    class Meta:
        verbose_name = "单位缴费汇总"
        verbose_name_plural = "单位缴费汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "insutype", "psn_type", "arrival"],
                name="contributions_unit_month_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period} {self.insutype}"
