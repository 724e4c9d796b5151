from django.db import models

from yibao.core.models import TimeStampedModel


class Notice(TimeStampedModel):
    """最新公告 shown on the portal."""

    title = models.CharField("标题", max_length=120)
    body = models.TextField("正文")
    published_at = models.DateTimeField("发布时间", db_index=True)
    is_published = models.BooleanField("已发布", default=True)

    class Meta:
        verbose_name = "公告"
        verbose_name_plural = "公告"
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title
