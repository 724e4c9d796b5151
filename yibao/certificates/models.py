from django.conf import settings
from django.db import models

from yibao.enrollment.models import Person
from yibao.filings.models import Filing
from yibao.units.models import Unit


class Certificate(models.Model):
    """参保证明 or 备案凭证: one issued (printed) document and what it said, for 参保证明查验.

    A 备案凭证 (异地就医备案凭证) names the filing version it was printed for, so the check can
    tell whether that filing still holds (已备案) or was changed or cancelled since.

    The 验证码 is not stored: it is an HMAC over the number and the issue data (`codes.py`),
    so a row edited afterwards no longer matches the code printed on the paper.
    """

    class Kind(models.TextChoices):
        UNIT = "unit", "单位参保证明"
        PERSON = "person", "个人参保证明"
        FILING = "filing", "异地就医备案凭证"

    number = models.CharField("证明编号", max_length=20, unique=True)
    kind = models.CharField("证明类型", max_length=6, choices=Kind.choices)
    # Covered by the (unit, -issued_at) index.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name="单位", db_index=False
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="人员"
    )
    filing = models.ForeignKey(
        Filing, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="异地就医备案"
    )
    holder_name = models.CharField("证明对象", max_length=200)
    agency_name = models.CharField("经办机构", max_length=200)
    issued_at = models.DateTimeField("出具时间")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="经办人",
    )
    content = models.JSONField("证明内容", default=dict)

    class Meta:
        verbose_name = "参保证明"
        verbose_name_plural = "参保证明"
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["unit", "-issued_at"], name="certificates_unit_issued_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="unit", person__isnull=True, filing__isnull=True)
                | models.Q(kind="person", person__isnull=False, filing__isnull=True)
                | models.Q(kind="filing", person__isnull=False, filing__isnull=False),
                name="certificates_subject_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return self.number
