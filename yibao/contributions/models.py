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
