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
