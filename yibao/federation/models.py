"""What the hall knows from, and owes to, the systems around it: the core system's register of
insured units (医保信息系统 参保单位), kept from its feed, and the outbox of events the hall
sends to the national platform (国家医保服务平台)."""

from __future__ import annotations

from django.db import models

from yibao.core.models import Division


class CoreUnit(models.Model):
    """A 参保单位 as the 医保信息系统 (the core system) has it; one per 统一社会信用代码."""

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("单位名称", max_length=200)
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="+", verbose_name="医保区划", db_column="admdvs"
    )
    emp_no = models.CharField("单位编号", max_length=40, blank=True)
    contact_phone = models.CharField("单位联系人号码", max_length=20, blank=True)  # tel
    is_valid = models.BooleanField("有效标志", default=True)  # vali_flag
    source_updated_at = models.DateTimeField("医保信息系统更新时间")  # updt_time
    synced_at = models.DateTimeField("同步时间")

    class Meta:
        verbose_name = "医保信息系统参保单位"
        verbose_name_plural = "医保信息系统参保单位"
        ordering = ["uscc"]

    def __str__(self) -> str:
        return f"{self.name}（{self.uscc}）"
