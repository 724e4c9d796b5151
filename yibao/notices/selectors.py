from django.db.models import QuerySet
from django.utils import timezone

from yibao.notices.models import Notice


def notice_list_published() -> QuerySet[Notice]:
    return Notice.objects.filter(is_published=True, published_at__lte=timezone.now())


def notice_list_latest(*, limit: int = 5) -> list[Notice]:
    return list(notice_list_published().only("id", "title", "published_at")[:limit])
