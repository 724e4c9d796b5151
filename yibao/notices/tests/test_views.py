from datetime import timedelta

import pytest
from django.utils import timezone

from tests.pagecheck import visible_text
from yibao.notices.models import Notice


def make_notice(title: str, *, days: int = 1, published: bool = True) -> Notice:
    return Notice.objects.create(
        title=title,
        body="第一段。\n\n第二段。",
        published_at=timezone.now() - timedelta(days=days),
        is_published=published,
    )


@pytest.mark.django_db
def test_list_is_newest_first_and_paginated(get_page, django_assert_max_num_queries) -> None:
    for n in range(25):
        make_notice(f"公告{n:02d}", days=n + 1)
    with django_assert_max_num_queries(3):
        soup = get_page("/notices/")
    titles = [a.get_text() for a in soup.select(".notice-list a")]
    assert titles[:2] == ["公告00", "公告01"]
    assert len(titles) == 20
    assert "第 1 页，共 2 页" in visible_text(soup)
    assert len(get_page("/notices/?page=2").select(".notice-list a")) == 5


@pytest.mark.django_db
def test_detail_shows_the_body(get_page) -> None:
    notice = make_notice("关于调整缴费基数的通知")
    soup = get_page(f"/notices/{notice.pk}/")
    assert soup.h1.get_text() == "关于调整缴费基数的通知"
    assert [p.get_text() for p in soup.select(".article__body p")] == ["第一段。", "第二段。"]


@pytest.mark.django_db
def test_unpublished_and_future_notices_are_not_found(get_page) -> None:
    hidden = make_notice("草稿", published=False)
    future = make_notice("明天发布", days=-1)
    get_page(f"/notices/{hidden.pk}/", status=404)
    get_page(f"/notices/{future.pk}/", status=404)
