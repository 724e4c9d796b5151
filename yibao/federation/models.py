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


class OutboxEvent(models.Model):
    """A change the national platform must hear of (单位网厅注册信息会同步到国家局, Henan manual 004),
    written in the same transaction as the change and delivered by `delivery.outbox_deliver`:
    once, in order per unit, retried with back-off while the national endpoint is away."""

    class Kind(models.TextChoices):
        UNIT_REGISTERED = "unit_registered", "单位注册"
        UNIT_CHANGED = "unit_changed", "单位信息变更"
        OPERATOR_BOUND = "operator_bound", "绑定经办人"
        OPERATOR_UNBOUND = "operator_unbound", "解绑经办人"

    key = models.UUIDField("幂等键", unique=True)
    # The unit's event before this one: the receiver takes this one only after that one.
    previous_key = models.UUIDField("同一单位的上一事件", null=True, blank=True)
    unit_uscc = models.CharField("统一社会信用代码", max_length=18)
    kind = models.CharField("事件", max_length=20, choices=Kind.choices)
    payload = models.JSONField("内容")
    created_at = models.DateTimeField("产生时间")
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    attempts = models.PositiveIntegerField("发送次数", default=0)
    next_attempt_at = models.DateTimeField("下次发送时间")
    # A worker sending the event holds it until then; one killed meanwhile lets it go by itself.
    lease_until = models.DateTimeField("发送占用至", null=True, blank=True)
    lease_owner = models.UUIDField("发送占用者", null=True, blank=True)
    last_error = models.CharField("最近一次失败原因", max_length=500, blank=True)

    class Meta:
        verbose_name = "国家平台同步事件"
        verbose_name_plural = "国家平台同步事件"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["delivered_at", "next_attempt_at"], name="federation_outbox_due"),
            models.Index(fields=["unit_uscc", "id"], name="federation_outbox_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit_uscc} #{self.pk}"


class ReceivedEvent(models.Model):
    """An event a provincial hall delivered to this (national) instance; one per idempotency key."""

    key = models.UUIDField("幂等键", unique=True)
    previous_key = models.UUIDField("同一单位的上一事件", null=True, blank=True)
    source = models.CharField("来源平台", max_length=40)
    unit_uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    kind = models.CharField("事件", max_length=20, choices=OutboxEvent.Kind.choices)
    payload = models.JSONField("内容")
    created_at = models.DateTimeField("产生时间")
    received_at = models.DateTimeField("接收时间", auto_now_add=True)

    class Meta:
        verbose_name = "收到的同步事件"
        verbose_name_plural = "收到的同步事件"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.source} {self.get_kind_display()} {self.unit_uscc}"
