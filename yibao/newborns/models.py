"""婴幼儿备案: a designated hospital files a baby born there for 城乡居民基本医疗保险 (the Beijing
hall's 医疗机构业务办理 → 婴幼儿备案). What is asked and why: `forms.py`; the rules: `rules.py`.

A filing follows its application: 申请中 while submitted (or returned for correction), 已备案 once
approved, 不予备案 when refused; a draft has none. One 出生医学证明 is filed once: a second filing
with the same number is refused while the first is 申请中 or 已备案, and the database keeps it so
when two hospitals race.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from yibao.core.models import TimeStampedModel

IN_FORCE = ("applying", "filed")


class InfantFiling(TimeStampedModel):
    class Status(models.TextChoices):
        APPLYING = "applying", "申请中"
        FILED = "filed", "已备案"
        REFUSED = "refused", "不予备案"

    class Relation(models.TextChoices):
        FATHER = "father", "父亲"
        MOTHER = "mother", "母亲"
        GUARDIAN = "guardian", "其他监护人"

    number = models.CharField("备案编号", max_length=24, unique=True)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="医疗机构", db_index=False
    )
    application = models.OneToOneField(
        "cases.Application", on_delete=models.PROTECT, related_name="+", verbose_name="办件"
    )
    status = models.CharField("备案状态", max_length=10, choices=Status.choices, default=Status.APPLYING)
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1)  # gend
    birth_date = models.DateField("出生日期")
    birth_cert_no = models.CharField("出生医学证明编号", max_length=10)
    cert_no = models.CharField("身份证号", max_length=18, blank=True, help_text="empty: not issued yet")
    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="+", verbose_name="户籍所在地"
    )
    address = models.CharField("现居住地址", max_length=200, blank=True)
    guardian_relation = models.CharField("与婴幼儿关系", max_length=10, choices=Relation.choices)
    guardian_name = models.CharField("监护人姓名", max_length=50)
    guardian_cert_type = models.CharField("监护人证件类型", max_length=2)
    guardian_cert_no = models.CharField("监护人证件号码", max_length=30)
    guardian_phone = models.CharField("监护人联系电话", max_length=11)
    filed_at = models.DateTimeField("备案时间", null=True, blank=True)
    ended_on = models.DateField("不予备案日期", null=True, blank=True)

    class Meta:
        verbose_name = "婴幼儿备案"
        verbose_name_plural = "婴幼儿备案"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "-created_at"], name="newborns_unit_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["birth_cert_no"],
                condition=Q(status__in=IN_FORCE),
                name="newborns_birth_cert_once",
            ),
            models.UniqueConstraint(
                fields=["cert_no"],
                condition=Q(status__in=IN_FORCE) & ~Q(cert_no=""),
                name="newborns_cert_no_once",
            ),
        ]

    def __str__(self) -> str:
        return self.number
