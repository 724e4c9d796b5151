from django.db import models
from django.db.models import Q

from yibao.core.models import TimeStampedModel
from yibao.units.models import Unit


class Person(TimeStampedModel):
    """人员基本信息 (PSN_INFO_B)."""

    psn_no = models.CharField("人员编号", max_length=30, unique=True)
    cert_type = models.CharField("证件类型", max_length=2, default="01")
    cert_no = models.CharField("证件号码", max_length=30)
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1)
    birth_date = models.DateField("出生日期")
    nation = models.CharField("民族", max_length=2, blank=True)
    nationality = models.CharField("国籍", max_length=3, default="CHN")
    mobile = models.CharField("手机号码", max_length=11, blank=True)
    address = models.CharField("联系地址", max_length=200, blank=True)
    first_work_date = models.DateField("首次参加工作日期", null=True, blank=True)
    survival = models.CharField("生存状态", max_length=1, default="1")

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        constraints = [
            models.UniqueConstraint(fields=["cert_type", "cert_no"], name="enrollment_person_unique_cert")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.psn_no}）"


class Insurance(TimeStampedModel):
    """人员参保信息 (PSN_INSU_D): one row per person, unit and 险种."""

    class Status(models.TextChoices):
        ACTIVE = "1", "正常参保"
        PAUSED = "2", "暂停参保"
        TERMINATED = "4", "终止参保"

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="insurances", verbose_name="人员"
    )
    # Covered by the (unit, insutype, status) index.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="insurances", verbose_name="单位", db_index=False
    )
    insutype = models.CharField("险种类型", max_length=5)
    status = models.CharField("参保状态", max_length=1, choices=Status.choices, default=Status.ACTIVE)
    psn_type = models.CharField("人员类别", max_length=4, default="1101")
    emp_form = models.CharField("用工形式", max_length=2, blank=True)
    start_date = models.DateField("本次参保日期")
    pause_date = models.DateField("暂停参保日期", null=True, blank=True)
    first_insured_ym = models.PositiveIntegerField("首次参保年月")
    base = models.DecimalField("月缴费基数", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "人员参保信息"
        verbose_name_plural = "人员参保信息"
        constraints = [
            # A person is actively insured for a 险种 with at most one unit at a time.
            models.UniqueConstraint(
                fields=["person", "insutype"],
                condition=Q(status="1"),
                name="enrollment_insurance_one_active",
            )
        ]
        indexes = [models.Index(fields=["unit", "insutype", "status"], name="enrollment_insu_unit_idx")]

    def __str__(self) -> str:
        return f"{self.person_id}/{self.insutype}/{self.status}"
