from django.db import models
from django.db.models import Q
from django.utils import timezone

from yibao.core.models import TimeStampedModel
from yibao.core.storage import private_storage
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
            # 证件号码 first: the same index serves look-ups by the number alone (职工花名册查询).
            models.UniqueConstraint(fields=["cert_no", "cert_type"], name="enrollment_person_unique_cert")
        ]
        # 职工花名册查询 filters by 证件号码 of any 证件类型 and by 姓名, within one unit.
        indexes = [
            models.Index(fields=["name"], name="enrollment_person_name_idx"),
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
        indexes = [
            models.Index(fields=["unit", "insutype", "status"], name="enrollment_insu_unit_idx"),
            # 职工花名册查询: the distinct person ids of a unit in id order, filtered by every
            # roster filter, from the index alone (count and OFFSET of any page).
            models.Index(
                fields=["unit", "person", "psn_type", "status", "insutype", "start_date"],
                name="enrollment_insu_roster_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}/{self.insutype}/{self.status}"


class RegionPolicy(models.Model):
    """What a region allows in 职工参保登记 for a year: the 险种 offered together and the monthly
    contribution base bounds (60 %–300 % of the local average wage). A county rule overrides its
    city's, a city's its province's. Edited by the system admin."""

    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="+", verbose_name="医保区划"
    )
    year = models.PositiveSmallIntegerField("年度")
    insutypes = models.JSONField("可参保险种", default=list, help_text='险种代码列表，如 ["310", "510"]')
    base_floor = models.DecimalField("缴费基数下限", max_digits=10, decimal_places=2)
    base_cap = models.DecimalField("缴费基数上限", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "统筹区参保政策"
        verbose_name_plural = "统筹区参保政策"
        ordering = ["division", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["division", "year"], name="enrollment_policy_once_per_year"),
            models.CheckConstraint(
                condition=Q(base_floor__lte=models.F("base_cap")), name="enrollment_policy_floor_le_cap"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.division_id} {self.year}"


class PersonnelChange(models.Model):
    """单位人员变动: 增员, 减员 or 变更 of one person in a unit, and the application behind it."""

    class Kind(models.TextChoices):
        ADD = "add", "增员"
        REMOVE = "remove", "减员"
        CHANGE = "change", "变更"

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name="单位", db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="changes", verbose_name="人员")
    kind = models.CharField("变动类型", max_length=6, choices=Kind.choices)
    insutypes = models.CharField("险种", max_length=40, blank=True)
    effective_date = models.DateField("变动日期")
    application = models.ForeignKey(
        "cases.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="办件",
    )  # fmt: skip
    detail = models.JSONField("变动内容", default=dict, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "人员变动"
        verbose_name_plural = "人员变动"
        ordering = ["-effective_date", "-id"]
        indexes = [models.Index(fields=["unit", "-effective_date"], name="enrollment_change_unit_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person_id} {self.effective_date}"


def batch_file_name(instance: "BatchImport", filename: str) -> str:
    from yibao.core.storage import random_file_name

    return random_file_name("batches", "") + ".xlsx"


class BatchImport(models.Model):
    """批量导入 of one batch file (批量参保登记 or 批量文件中断): read and checked in the background,
    with its progress; its rows become the line items of the batch application."""

    class Kind(models.TextChoices):
        ENROLLMENT = "enrollment", "批量参保登记"
        INTERRUPTION = "interruption", "批量文件中断"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "校验中"
        DONE = "done", "校验完成"
        REFUSED = "refused", "文件无法导入"

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name="单位")
    kind = models.CharField("业务", max_length=12, choices=Kind.choices, default=Kind.ENROLLMENT)
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="导入人"
    )
    file = models.FileField("导入文件", storage=private_storage, upload_to=batch_file_name, max_length=200)
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    # The 人员类别 of the uploader's 管理人群 at the upload (None: the whole unit): the worker checks
    # the rows within them, as the page would.
    psn_types = models.JSONField("管理人群人员类别", null=True, blank=True, editable=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField("进度说明", max_length=40, blank=True)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    passed = models.PositiveIntegerField("校验成功", default=0)
    failed = models.PositiveIntegerField("校验失败", default=0)
    error = models.CharField("错误说明", max_length=300, blank=True)
    application = models.ForeignKey(
        "cases.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="办件",
    )  # fmt: skip
    created_at = models.DateTimeField("导入时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # The lease of the worker (yibao.enrollment.batch_lease): runs started so far, and until when
    # the import is taken care of — a queued one by its task, a running one by the worker's
    # heartbeat. Past it, the import was lost (a killed worker, a task never enqueued) and is
    # queued again or ends as 导入中断.
    attempts = models.PositiveSmallIntegerField("已执行次数", default=0, editable=False)
    lease_until = models.DateTimeField("租约到期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "批量导入"
        verbose_name_plural = "批量导入"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def number(self) -> str:
        """批次号: the import's date and its id (as the 办件编号 is made), printed on the batch's
        form and on every page of its person list."""
        return f"PC{timezone.localtime(self.created_at):%Y%m%d}{self.pk:08d}"

    @property
    def percent(self) -> int:
        if self.status in {self.Status.DONE, self.Status.REFUSED}:
            return 100
        return int(self.rows_done * 100 / self.rows_total) if self.rows_total else 0
