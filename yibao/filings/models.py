"""异地就医备案 (OUT_APPY_D, facts §4.3): one filing of a person for care outside the insured
place, made by the unit through an application and changed or cancelled the same way.

A filing is 申请中 while its application waits for review, 已备案 once approved, 不予备案 when the
application is refused. A change (变更备案) does not overwrite: the version in force becomes 已变更
and a new version, pointing back to it, is 已备案; a cancellation (取消备案) leaves the version
已取消. So the versions of a filing are its history, each with the application behind it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from yibao.core.models import TimeStampedModel


class Filing(TimeStampedModel):
    class Kind(models.TextChoices):  # rloc_rea 异地安置原因 (the national code list is not public)
        RETIREE = "retiree-relocation", "异地安置退休人员"
        RESIDENCE = "long-term-residence", "异地长期居住人员"
        POSTED = "posted-worker", "常驻异地工作人员"
        REFERRAL = "referral", "异地转诊人员"

    class Status(models.TextChoices):
        APPLYING = "applying", "申请中"
        FILED = "filed", "已备案"
        CHANGED = "changed", "已变更"
        CANCELLED = "cancelled", "已取消"
        REFUSED = "refused", "不予备案"

    class Network(models.TextChoices):  # out_onln_way 异地联网方式
        DIRECT = "1", "联网直接结算"
        MANUAL = "2", "回参保地手工报销"

    number = models.CharField("备案编号", max_length=24, unique=True)
    kind = models.CharField("备案类型", max_length=24, choices=Kind.choices)
    person = models.ForeignKey(
        "enrollment.Person", on_delete=models.PROTECT, related_name="filings", verbose_name="人员"
    )
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位", db_index=False
    )
    insutype = models.CharField("险种类型", max_length=5)
    insured_division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="+", verbose_name="参保地医保区划",
        help_text="insu_admdvs: the unit's region when filed",
    )  # fmt: skip
    care_division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="+", verbose_name="就医地",
        help_text="rloc_admdvs: the city (or province-level city) of care",
    )  # fmt: skip
    address = models.CharField("居外地址", max_length=200)
    phone = models.CharField("联系电话", max_length=20)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True, help_text="empty: valid until changed")
    network = models.CharField("异地联网方式", max_length=1, choices=Network.choices, default=Network.DIRECT)
    commitment = models.BooleanField("告知承诺", default=False, help_text="filed on the 告知承诺书")
    agent_name = models.CharField("代办人姓名", max_length=50, blank=True)
    agent_cert_type = models.CharField("代办人证件类型", max_length=2, blank=True)
    agent_cert_no = models.CharField("代办人证件号码", max_length=30, blank=True)
    agent_phone = models.CharField("代办人联系电话", max_length=20, blank=True)
    agent_relation = models.CharField("代办人与参保人关系", max_length=20, blank=True)
    out_hospital = models.CharField("转出医院", max_length=100, blank=True)
    in_hospital = models.CharField("转入医院", max_length=100, blank=True)
    status = models.CharField("备案状态", max_length=10, choices=Status.choices, default=Status.APPLYING)
    application = models.ForeignKey(
        "cases.Application", on_delete=models.PROTECT, related_name="+", verbose_name="办件",
        help_text="the application that filed this version (new or 变更备案)",
    )  # fmt: skip
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="变更前备案"
    )
    filed_at = models.DateTimeField("备案时间", null=True, blank=True)
    ended_by = models.ForeignKey(
        "cases.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="变更或取消办件",
    )  # fmt: skip
    ended_on = models.DateField("终止日期", null=True, blank=True)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "异地就医备案"
        verbose_name_plural = "异地就医备案"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "status", "kind"], name="filings_unit_idx"),
            models.Index(fields=["person", "status"], name="filings_person_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["application"], name="filings_one_per_application"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="filings_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def kind_name(self) -> str:
        """The business's name: 异地安置退休人员备案, …, 异地转诊备案."""
        return "异地转诊备案" if self.kind == self.Kind.REFERRAL else f"{self.get_kind_display()}备案"
