"""申报/办件: every business an operator submits is an Application the agency reviews (DESIGN §5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from yibao.core.models import TimeStampedModel
from yibao.core.storage import private_storage, random_file_name


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "审核通过"
    REJECTED = "rejected", "审核不通过"
    RETURNED = "returned", "退回补正"
    WITHDRAWN = "withdrawn", "已撤回"  # earlier withdrawals; 撤回 now returns the application to 草稿
    DELETED = "deleted", "已删除"


class Application(TimeStampedModel):
    """One application of a registered type (see `yibao.cases.types`)."""

    number = models.CharField("办件编号", max_length=24, unique=True)
    type_code = models.CharField("业务类型", max_length=40, db_index=True)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="applications", verbose_name="单位"
    )
    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="+", verbose_name="医保区划",
        help_text="the unit's region when submitted: reviewers see the regions they cover",
    )  # fmt: skip
    operator = models.ForeignKey(
        "operators.Operator", null=True, blank=True, on_delete=models.PROTECT, related_name="applications",
        verbose_name="经办人",
    )  # fmt: skip
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    payload = models.JSONField("申报内容", default=dict)
    before = models.JSONField("变更前", default=dict, help_text="the record as it was when submitted")
    printed_at = models.DateTimeField("打印报表时间", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True, db_index=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="审核人",
    )  # fmt: skip
    claimed_at = models.DateTimeField("领取时间", null=True, blank=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    opinion = models.TextField("审核意见", blank=True)
    # Set while the application holds its matter open (`ApplicationType.open_key`, e.g. one
    # 单位参保关键信息变更 per unit, one 职工参保登记 per person); unique per unit, so two requests
    # racing cannot open the same matter twice.
    open_key = models.CharField("未办结标识", max_length=200, null=True, blank=True, editable=False)
    submit_key = models.CharField(
        "提交标识", max_length=64, null=True, blank=True, unique=True,
        help_text="the form's one-time key: a repeated submission finds the application it made",
    )  # fmt: skip

    class Meta:
        verbose_name = "办件"
        verbose_name_plural = "办件"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "type_code", "-created_at"], name="cases_app_unit_idx"),
            models.Index(fields=["status", "type_code", "submitted_at"], name="cases_app_queue_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["unit", "open_key"], name="cases_app_one_open")]

    def __str__(self) -> str:
        return self.number


class Event(models.Model):
    """The case history: every step of an application, shown as its timeline."""

    class Action(models.TextChoices):
        CREATED = "created", "创建"
        EDITED = "edited", "修改申报内容"
        PRINTED = "printed", "打印报表"
        MATERIAL_UPLOADED = "material_uploaded", "上传材料"
        MATERIAL_REMOVED = "material_removed", "删除材料"
        SUBMITTED = "submitted", "提交申报"
        RESUBMITTED = "resubmitted", "补正后重新提交"
        WITHDRAWN = "withdrawn", "撤回"
        DELETED = "deleted", "删除"
        CLAIMED = "claimed", "领取审核"
        RELEASED = "released", "放弃审核"
        APPROVED = "approved", "审核通过"
        REJECTED = "rejected", "审核不通过"
        RETURNED = "returned", "退回补正"
        APPLIED = "applied", "变更已生效"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="操作人",
    )  # fmt: skip
    actor_label = models.CharField("操作人", max_length=60, blank=True)
    note = models.TextField("说明", blank=True)
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "办件记录"
        verbose_name_plural = "办件记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application} {self.get_action_display()}"


class LineItem(models.Model):
    """One row of a batch application (one per person): 50,000 persons are 50,000 rows."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="lines")
    row = models.PositiveIntegerField("行号")
    data = models.JSONField("内容", default=dict)
    error = models.CharField("校验结果", max_length=300, blank=True)

    class Meta:
        verbose_name = "批量明细"
        verbose_name_plural = "批量明细"
        constraints = [models.UniqueConstraint(fields=["application", "row"], name="cases_line_row_once")]

    def __str__(self) -> str:
        return f"{self.application} #{self.row}"


class ReviewerRegion(models.Model):
    """The regions an agency reviewer covers: a province, city or county code covers every
    region whose code starts with it (53 → all of Yunnan)."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_regions",
        verbose_name="审核员",
    )
    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, related_name="+", verbose_name="医保区划"
    )

    class Meta:
        verbose_name = "审核员负责区划"
        verbose_name_plural = "审核员负责区划"
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "division"], name="cases_reviewer_region_once")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} {self.division_id}"


def material_file_name(instance: Material, filename: str) -> str:
    return random_file_name("materials", instance.content_type)


class Material(models.Model):
    """One uploaded attachment (附件) of an application, for one of its type's materials."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    code = models.CharField("材料", max_length=40)
    file = models.FileField("附件", storage=private_storage, upload_to=material_file_name, max_length=200)
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    content_type = models.CharField("文件类型", max_length=40)
    size = models.PositiveIntegerField("文件大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="上传人",
    )
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "办件材料"
        verbose_name_plural = "办件材料"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.application} {self.code}"
