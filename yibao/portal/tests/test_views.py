from datetime import timedelta

import pytest
from django.utils import timezone

from tests.pagecheck import visible_text
from yibao.notices.models import Notice
from yibao.operators.catalogue import ITEM_PAGES
from yibao.portal.directory import ENTRIES, GROUPS


def make_notice(title: str, *, days_ago: int = 1, published: bool = True) -> Notice:
    return Notice.objects.create(
        title=title,
        body="正文第一段。\n\n正文第二段。",
        published_at=timezone.now() - timedelta(days=days_ago),
        is_published=published,
    )


@pytest.mark.django_db
def test_home_shows_header_entries_directory_groups_and_notices(get_page) -> None:
    make_notice("关于单位网厅上线的公告")
    make_notice("未发布的草稿", published=False)

    soup = get_page("/")

    text = visible_text(soup)
    assert soup.title.get_text() == "公共服务门户 - 医疗保障公共服务平台"
    assert soup.find("a", string="注册")["href"] == "/hall/register/"
    assert soup.find("a", string="单位账号登录/经办人账号登录")["href"] == "/hall/login/"
    assert [h.get_text() for h in soup.select(".service-group h3")] == [
        "查询服务",
        "经办服务",
        "打印服务",
        "其他服务",
    ]
    assert "医保药品信息查询" in text
    assert "关于单位网厅上线的公告" in text
    assert "未发布的草稿" not in text


@pytest.mark.django_db
def test_home_without_notices_says_so(get_page) -> None:
    soup = get_page("/")
    assert (
        soup.select_one("#notices-title").find_parent("section").select_one(".empty").get_text() == "暂无内容"
    )


@pytest.mark.django_db
def test_directory_lists_every_entry(get_page) -> None:
    soup = get_page("/services/")
    names = [n.get_text() for n in soup.select(".service-card__name")]
    assert names == [e.name for g in GROUPS for e in ENTRIES if e.group == g.code]


@pytest.mark.django_db
def test_directory_filters_by_type_and_text(get_page) -> None:
    soup = get_page("/services/?type=public&q=%E8%8D%AF")  # 药
    assert [n.get_text() for n in soup.select(".service-card__name")] == [
        "定点零售药店查询",
        "医保药品信息查询",
    ]
    assert soup.select_one('input[name="type"][value="public"]').has_attr("checked")


@pytest.mark.django_db
def test_directory_search_without_match_shows_empty(get_page) -> None:
    soup = get_page("/services/?q=%E4%B8%8D%E5%AD%98%E5%9C%A8")
    assert soup.select_one(".empty").get_text() == "暂无内容"


@pytest.mark.django_db
def test_unknown_service_type_is_ignored(get_page) -> None:
    soup = get_page("/services/?type=evil")
    assert len(soup.select(".service-card")) == len(ENTRIES)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/services/filing-referral/", "/services/filing-posted-worker/"])
def test_services_not_built_yet_say_so_plainly(get_page, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every service of the manuals is built now; an item the system admin adds to the catalogue
    before its page exists says so plainly (here: the 备案 pages taken away)."""
    monkeypatch.delitem(ITEM_PAGES, url.strip("/").split("/")[-1])
    soup = get_page(url)
    assert "该服务正在建设中，暂未开放网上办理。" in visible_text(soup)
    assert soup.find("form") is None


@pytest.mark.django_db
def test_a_built_service_redirects_to_its_page(client) -> None:
    response = client.get("/services/divisions/")
    assert (response.status_code, response["Location"]) == (302, "/regions/")


@pytest.mark.django_db
def test_every_built_unit_service_leads_to_its_hall_page(client) -> None:
    """The manual's path (登录后点击服务目录): every business item the hall serves is linked to its
    page through the operator hall; only those not built yet say so."""
    for entry in ENTRIES:
        url = entry.url()
        if entry.slug in ITEM_PAGES:
            assert url == f"/hall/operators/services/{entry.slug}/"
        elif entry.url_name is None:
            assert url == f"/services/{entry.slug}/"
            assert entry.slug.startswith("filing-"), f"{entry.name} is built: give it its page"
    response = client.get("/services/roster/")
    assert (response.status_code, response["Location"]) == (302, "/hall/operators/services/roster/")


@pytest.mark.django_db
def test_unknown_service_is_404(get_page) -> None:
    get_page("/services/no-such-thing/", status=404)


@pytest.mark.django_db
def test_every_directory_entry_resolves(client) -> None:
    """Public entries open for anyone; a unit service asks an anonymous visitor to log in first."""
    for entry in ENTRIES:
        response = client.get(entry.url())
        if entry.slug in ITEM_PAGES:
            assert (response.status_code, response["Location"]) == (302, f"/hall/login/?next={entry.url()}")
        else:
            assert response.status_code == 200, entry.slug


@pytest.mark.django_db
def test_healthz(client) -> None:
    assert client.get("/healthz/").json() == {"status": "ok"}
