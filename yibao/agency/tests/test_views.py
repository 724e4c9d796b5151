"""The workbench home, the queue and the guards and region scoping of every agency URL."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.pagecheck import check_page, visible_text
from yibao.agency.selectors import waiting_label
from yibao.agency.tests.helpers import key_change_binding, reviewer, submitted_key_change
from yibao.cases import services
from yibao.cases.models import Application, Status
from yibao.core.tests.factories import UnitFactory, staff_login
from yibao.core.uploads import upload_check
from yibao.units.models import LicenceSubmission, RoleCertification, Unit, UnitRole
from yibao.units.services import licence_submit
from yibao.units.tests.helpers import png_bytes

pytestmark = pytest.mark.django_db


def submitted_days_ago(application: Application, days: float) -> Application:
    Application.objects.filter(pk=application.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days)
    )
    application.refresh_from_db()
    return application


def pending_licence(unit: Unit) -> LicenceSubmission:
    assert unit.account is not None
    return licence_submit(unit=unit, actor=unit.account, upload=upload_check(io.BytesIO(png_bytes())))


def pending_role(unit: Unit) -> RoleCertification:
    return RoleCertification.objects.create(
        unit=unit, role=UnitRole.PROCUREMENT, reason="已提交医保经办机构审核"
    )


@pytest.fixture
def world() -> dict[str, Any]:
    """A Kunming (530112) unit with a pending key change, a licence and a role waiting."""
    binding = key_change_binding()
    application = submitted_days_ago(submitted_key_change(binding), 3.25)
    other_unit = UnitFactory.create()
    return {
        "application": application,
        "material": application.materials.first(),
        "licence": pending_licence(other_unit),
        "role": pending_role(other_unit),
    }


def agency_urls(w: dict[str, Any]) -> list[str]:
    a, m = w["application"].pk, w["material"].pk
    return [
        "/agency/", "/agency/queue/", f"/agency/applications/{a}/", f"/agency/applications/{a}/claim/",
        f"/agency/applications/{a}/decide/", f"/agency/applications/{a}/materials/{m}/",
        f"/agency/applications/{a}/materials/{m}/pages/1/",
        "/agency/certifications/", f"/agency/certifications/licences/{w['licence'].pk}/",
        f"/agency/certifications/licences/{w['licence'].pk}/file/",
        f"/agency/certifications/licences/{w['licence'].pk}/pages/1/",
        f"/agency/certifications/roles/{w['role'].pk}/",
    ]  # fmt: skip


def test_every_agency_url_is_listed() -> None:
    from tests.meta.test_urls import project_routes

    routes = sorted(route for route, _ in project_routes() if route.startswith("agency/"))
    assert len(routes) == 16  # twelve workbench pages and the four steps of the staff login


def test_anonymous_visitors_are_sent_to_log_in_everywhere(client: Client, world) -> None:
    for url in agency_urls(world):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/agency/login/?next=/agency/"), url


def test_non_staff_users_get_not_found_everywhere(client: Client, world) -> None:
    client.force_login(world["application"].unit.account)
    for url in agency_urls(world):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"decision": "approve"}).status_code == 404, url
    assert Application.objects.get(pk=world["application"].pk).status == Status.SUBMITTED


def test_a_reviewer_of_another_region_sees_nothing(client: Client, world, get_page) -> None:
    beijing = reviewer("shenhe-bj", region="110000", name="北京审核员")
    staff_login(client, beijing)
    soup = get_page("/agency/")
    assert "北京市（110000）" in visible_text(soup)
    assert visible_text(soup.select_one(".agency-card__total")).startswith("0 件待审核")
    assert [visible_text(n) for n in soup.select(".agency-cert-counts .agency-card__number")] == ["0", "0"]
    soup = get_page("/agency/queue/?status=all")
    assert soup.select(".agency-queue tbody tr") == []
    assert "暂无符合条件的办件" in visible_text(soup)
    soup = get_page("/agency/certifications/")
    assert "暂无待审核的资质认证" in visible_text(soup)
    for url in agency_urls(world)[2:]:
        if url != "/agency/certifications/":
            assert client.get(url).status_code in (404, 405), url
            assert client.post(url, {"decision": "approve"}).status_code == 404, url
    application = Application.objects.get(pk=world["application"].pk)
    assert (application.status, application.reviewer_id) == (Status.SUBMITTED, None)
    assert LicenceSubmission.objects.get(pk=world["licence"].pk).status == LicenceSubmission.Status.PENDING


def test_a_staff_user_without_regions_is_told_to_ask_for_one(client: Client, world, get_page) -> None:
    staff_login(client, reviewer("shenhe-none", region=None))
    soup = get_page("/agency/")
    assert "尚未分配医保区划" in visible_text(soup)
    assert "请联系系统管理员" in visible_text(soup)
    assert soup.select(".agency-cards") == []
    assert "尚未分配负责的医保区划" in visible_text(get_page("/agency/queue/"))
    assert client.get(f"/agency/applications/{world['application'].pk}/").status_code == 404


def test_the_workbench_counts_pending_work_and_the_oldest_wait(client: Client, world, get_page) -> None:
    submitted_key_change()  # a newer one of the same type
    staff_login(client, reviewer())
    soup = get_page("/agency/")
    row = soup.select_one(".agency-counts tbody tr")
    assert [visible_text(c) for c in row.select("th, td")] == [
        "单位参保关键信息变更",
        "2 件",
        "最长等待 3天6小时",
    ]
    assert row.a["href"] == "/agency/queue/?type=unit-key-info-change"
    assert visible_text(soup.select_one(".agency-card__total")) == "2 件待审核"
    assert [visible_text(n) for n in soup.select(".agency-cert-counts .agency-card__number")] == ["1", "1"]


def test_waiting_label() -> None:
    now = timezone.now()
    ago = lambda **kw: now - datetime.timedelta(**kw)  # noqa: E731
    assert waiting_label(ago(days=3, hours=5, minutes=2), now) == "3天5小时"
    assert waiting_label(ago(hours=4, minutes=20), now) == "4小时20分钟"
    assert waiting_label(ago(minutes=12), now) == "12分钟"
    assert waiting_label(ago(seconds=5), now) == "不足1分钟"
    assert waiting_label(None, now) == "—"


# --- the queue ---------------------------------------------------------------------------------


def queue_numbers(soup: Any) -> list[str]:
    return [visible_text(tr.td) for tr in soup.select(".agency-queue tbody tr")]


def test_the_queue_lists_pending_work_oldest_first(client: Client, world, get_page) -> None:
    newer = submitted_key_change()
    staff_login(client, reviewer())
    soup = get_page("/agency/queue/")
    for name in ("业务类型", "医保区划", "状态", "等待时间", "只看我领取的"):
        assert soup.find("label", string=name) is not None, name
    assert soup.select_one("#id_status option[selected]").get_text() == "待审核"
    assert [th.get_text() for th in soup.select(".agency-queue thead th")] == [
        "办件编号", "业务类型", "单位名称", "统一社会信用代码", "医保区划", "提交时间", "等待时长", "状态", "审核人",
    ]  # fmt: skip
    assert queue_numbers(soup) == [world["application"].number, newer.number]
    first = [visible_text(td) for td in soup.select(".agency-queue tbody tr")[0].select("td")]
    assert first[1:] == [
        "单位参保关键信息变更", world["application"].unit.name, world["application"].unit.uscc, "西山区",
        first[5], "3天6小时", "待审核", "未领取",
    ]  # fmt: skip


def test_the_queue_filters(client: Client, world, get_page) -> None:
    shenhe = reviewer()
    newer = submitted_key_change()
    services.application_claim(application=newer, reviewer=shenhe)
    elsewhere = submitted_key_change(key_change_binding(division_id="530102"))
    done = submitted_key_change()
    services.application_claim(application=done, reviewer=shenhe)
    services.application_approve(application=done, reviewer=shenhe)
    staff_login(client, shenhe)
    old, new = world["application"].number, newer.number
    assert queue_numbers(get_page("/agency/queue/")) == [old, new, elsewhere.number]
    assert queue_numbers(get_page("/agency/queue/?age=3")) == [old]
    assert queue_numbers(get_page("/agency/queue/?age=7")) == []
    assert queue_numbers(get_page("/agency/queue/?mine=on")) == [new]
    assert queue_numbers(get_page("/agency/queue/?region=530100")) == [old, new, elsewhere.number]
    assert queue_numbers(get_page("/agency/queue/?type=unit-info-change")) == []
    assert queue_numbers(get_page("/agency/queue/?status=approved")) == [done.number]
    assert queue_numbers(get_page("/agency/queue/?status=all")) == [done.number, elsewhere.number, new, old]
    region_options = [o["value"] for o in get_page("/agency/queue/").select("#id_region option")]
    assert region_options[:3] == ["", "530000", "530100"] and "110000" not in region_options
    soup = get_page("/agency/queue/?region=110000")  # not one of mine: refused, the default applies
    assert "请从列表中选择医保区划" in visible_text(soup.select_one(".error-summary"))


def test_the_queue_is_paginated_with_one_query_per_page(
    client: Client, world, django_assert_max_num_queries
) -> None:
    shenhe = reviewer()
    for n in range(24):
        _copy(world["application"], n)  # 25 pending in all
    staff_login(client, shenhe)
    client.get("/agency/queue/")  # warm the session and caches
    with django_assert_max_num_queries(11) as captured:  # the 11th: the staff member's 动态口令 device
        soup = check_page(client.get("/agency/queue/"))
    app_queries = [q["sql"] for q in captured.captured_queries if '"cases_application"' in q["sql"]]
    assert len(app_queries) == 2  # the count and the page (units, regions, reviewers joined)
    assert len(soup.select(".agency-queue tbody tr")) == 20
    assert "第 1 页，共 2 页" in visible_text(soup.select_one(".pagination"))
    soup = check_page(client.get("/agency/queue/?status=submitted&page=2"))
    assert len(soup.select(".agency-queue tbody tr")) == 5
    assert soup.select_one(".pagination a[rel=prev]")["href"] == "?status=submitted&page=1"


def _copy(application: Application, n: int) -> Application:
    """A cheap extra pending application of the same unit (the queue only reads rows)."""
    return Application.objects.create(
        number=f"SQX{n:08d}", type_code=application.type_code, unit=application.unit,
        division_id=application.division_id, status=Status.SUBMITTED, payload=application.payload,
        before=application.before, submitted_at=timezone.now() - datetime.timedelta(hours=n),
    )  # fmt: skip
