from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """Every login of the hall. `kind` says which door it uses (DESIGN §1).

    A unit admin logs in with the unit account (the username); an operator with the mobile
    number (the username of an operator is the mobile number); staff use the admin/workbench.
    """

    class Kind(models.TextChoices):
        UNIT = "unit", "单位管理账号"
        OPERATOR = "operator", "经办人账号"
        STAFF = "staff", "经办机构工作人员"

    kind = models.CharField("账号类型", max_length=10, choices=Kind.choices, default=Kind.STAFF)
    must_change_password = models.BooleanField("首次登录须修改密码", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"


class SmsPurpose(models.TextChoices):
    REGISTER = "register", "单位注册"
    BIND_OPERATOR = "bind_operator", "新增经办人"
    RECOVER_UNIT = "recover_unit", "找回单位密码"
    RECOVER_OPERATOR = "recover_operator", "找回经办人密码"
    CHANGE_PASSWORD = "change_password", "修改密码"
    RESET_OPERATOR = "reset_operator", "重置经办人密码"
    OPERATOR_PASSWORD = "operator_password", "经办人登录密码"
    CHANGE_LEGAL_MOBILE = "change_legal_mobile", "变更法人手机号"


class SmsCode(models.Model):
    """A 6-digit SMS verification code, bound to one phone, one purpose and the context that
    asked for it (e.g. the unit binding an operator), stored hashed."""

    phone = models.CharField("手机号码", max_length=11)
    purpose = models.CharField("用途", max_length=20, choices=SmsPurpose.choices)
    context = models.CharField("业务对象", max_length=40, blank=True, default="")
    code_hash = models.CharField("验证码摘要", max_length=64)
    created_at = models.DateTimeField("发送时间")
    expires_at = models.DateTimeField("失效时间")
    attempts = models.PositiveSmallIntegerField("校验次数", default=0)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    ip_address = models.GenericIPAddressField("请求地址", null=True, blank=True)

    class Meta:
        verbose_name = "短信验证码"
        verbose_name_plural = "短信验证码"
        indexes = [
            models.Index(fields=["phone", "purpose", "-created_at"], name="accounts_smscode_lookup_idx"),
            models.Index(fields=["ip_address", "-created_at"], name="accounts_smscode_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.phone} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class SmsMessage(models.Model):
    """The development outbox: what the SMS backend would have sent (DESIGN §6)."""

    phone = models.CharField("手机号码", max_length=11)
    purpose = models.CharField("用途", max_length=20, choices=SmsPurpose.choices, blank=True)
    text = models.CharField("短信内容", max_length=300)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "短信发件箱"
        verbose_name_plural = "短信发件箱"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone} {self.text[:20]}"


class SmsDispatch(models.Model):
    """One SMS to send, written in the transaction that asks for it and sent by a task
    (`yibao.accounts.sms_dispatch`). The text of a secret message (a verification code, a
    password) is blanked once it is sent or given up. A message with `not_after` (a verification
    code's expiry) is not sent after it: it is marked failed instead. Finished rows are deleted
    after YIBAO_SMS_KEEP_DAYS."""

    class Status(models.TextChoices):
        QUEUED = "queued", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    phone = models.CharField("手机号码", max_length=11)
    purpose = models.CharField("用途", max_length=20, choices=SmsPurpose.choices, blank=True)
    text = models.CharField("短信内容", max_length=300, blank=True)
    secret = models.BooleanField("含验证码或密码", default=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", db_index=True)
    next_attempt_at = models.DateTimeField("计划发送时间")
    not_after = models.DateTimeField("最晚发送时间", null=True, blank=True)
    claimed_at = models.DateTimeField("发送开始时间", null=True, blank=True)
    lease_until = models.DateTimeField("租约到期", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "短信发送任务"
        verbose_name_plural = "短信发送任务"
        indexes = [
            models.Index(fields=["status", "lease_until"], name="accounts_smsdispatch_lease_idx"),
            models.Index(fields=["finished_at"], name="accounts_smsdispatch_done_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.purpose} {self.status}"


class LoginFailure(models.Model):
    """One failed login: counted per account key and per address to lock out guessing."""

    account_key = models.CharField("账号标识", max_length=80)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    occurred_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败记录"
        indexes = [
            models.Index(fields=["account_key", "-occurred_at"], name="accounts_loginfail_key_idx"),
            models.Index(fields=["ip_address", "-occurred_at"], name="accounts_loginfail_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.account_key} {self.occurred_at:%Y-%m-%d %H:%M}"
