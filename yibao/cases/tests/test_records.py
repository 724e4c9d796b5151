"""办件记录查询, 办件详情 and 撤回 through the test client, every page checked by check_page."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.pagecheck import check_page, visible_text
from yibao.accounts.models import User
from yibao.cases import services
from yibao.cases.models import Application, Event, ReviewerRegion, Status
from yibao.changes.unit_types import UNIT_INFO_CHANGE, UNIT_KEY_INFO_CHANGE
from yibao.core.tests.factories import BindingFactory, UserFactory, grant
from yibao.core.uploads import upload_check
from yibao.operators.models import Binding
from yibao.operators.session import CURRENT_UNIT_KEY
from yibao.units.models import Unit
from yibao.units.tests.helpers import png_bytes

pytestmark = pytest.mark.django_db

NEW_ID = "110101199003070011"
KEY = {
    "name": "昆明新名称科技有限公司", "emp_type": "10", "address": "昆明市盘龙区2号",
    "legal_rep_name": "王强", "legal_rep_cert_type": "01", "legal_rep_cert_no": NEW_ID,
}  # fmt: skip
NON_KEY = {
    "contact_name": "周敏", "contact_phone": "0871-63123456", "contact_address": "昆明市五华区1号",
    "postcode": "650031",
}  # fmt: skip
RETURN_OPINION = "营业执照复印件不清晰，请重新扫描上传并核对单位注册地址"
ITEMS = ("case-records", "unit-info-change", "unit-key-info-change")


# --- builders shared with test_selectors and the browser test ----------------------------------


def make_reviewer(username: str = "shenhe-records") -> User:
    reviewer = UserFactory.create(is_staff=True, username=username, first_name="审核员甲")
    ReviewerRegion.objects.create(reviewer=reviewer, division_id="530000")
    return reviewer


def key_change_submitted(binding: Binding, payload: dict[str, Any] | None = None) -> Application:
    """A 单位参保关键信息变更 printed, with its materials, submitted."""
    user = binding.operator.user
    draft = services.application_draft_save(
        kind=UNIT_KEY_INFO_CHANGE, unit=binding.unit, actor=user, payload=payload or KEY
    )
    services.application_print_mark(application=draft, actor=user)
    for code in ("stamped-form", "licence"):
        services.material_upload(
            application=draft, code=code, upload=upload_check(io.BytesIO(png_bytes())),
            original_name="scan.png", actor=user,
        )  # fmt: skip
    return services.application_submit(application=draft, actor=user)


def key_change_returned(binding: Binding, reviewer: User) -> Application:
    application = key_change_submitted(binding)
    services.application_claim(application=application, reviewer=reviewer)
    services.application_return(application=application, reviewer=reviewer, opinion=RETURN_OPINION)
    return application


def non_key_submitted(binding: Binding, settings: Any, postcode: str = "650031") -> Application:
    """A 单位参保非关键信息变更 waiting for review (auto-approval off)."""
    settings.YIBAO_UNIT_INFO_AUTO_APPROVE = False
    user = binding.operator.user
    draft = services.application_draft_save(
        kind=UNIT_INFO_CHANGE, unit=binding.unit, actor=user, payload={**NON_KEY, "postcode": postcode}
    )
    return services.application_submit(application=draft, actor=user)


def drafts(binding: Binding, count: int, *, type_code: str = "unit-info-change", days_ago: int = 0) -> None:
    """Bare drafts for paging and date filters (no history needed)."""
    created = timezone.now() - datetime.timedelta(days=days_ago)
    start = Application.objects.count()
    rows = [
        Application(number=f"SQTEST{start + n:010d}", type_code=type_code, unit=binding.unit,
                    division_id=binding.unit.division_id, operator=binding.operator, payload={}, before={})
        for n in range(count)
    ]  # fmt: skip
    made = Application.objects.bulk_create(rows)
    Application.objects.filter(pk__in=[a.pk for a in made]).update(created_at=created)


def login_operator(client: Client, binding: Binding) -> None:
    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit_id
    session.save()


@pytest.fixture
def binding(client: Client) -> Binding:
    found = grant(BindingFactory.create(), *ITEMS)
    login_operator(client, found)
    return found


@pytest.fixture
def reviewer() -> User:
    return make_reviewer()


LIST = reverse("cases:list")


def rows_of(soup: Any) -> list[str]:
    return [visible_text(tr) for tr in soup.select(".record-table tbody tr")]


# --- 办件记录查询 -------------------------------------------------------------------------------


def test_the_list_shows_the_units_applications_newest_first(
    client: Client, binding: Binding, reviewer: User, settings: Any
) -> None:
    returned = key_change_returned(binding, reviewer)
    submitted = non_key_submitted(binding, settings)
    drafts(binding, 1, days_ago=0)
    other = grant(BindingFactory.create(), *ITEMS)
    non_key_submitted(other, settings)  # another unit's: never listed

    soup = check_page(client.get(LIST))
    assert soup.title.get_text(strip=True).startswith("办件记录查询")
    rows = rows_of(soup)
    assert len(rows) == 3
    assert rows[0].startswith("SQTEST") and "未提交" in rows[0] and "草稿" in rows[0]
    assert (
        rows[1].startswith(submitted.number) and "单位参保非关键信息变更" in rows[1] and "待审核" in rows[1]
    )
    assert rows[2].startswith(returned.number) and "退回补正" in rows[2]
    assert RETURN_OPINION[:10] in rows[2] and RETURN_OPINION not in rows[2]  # shortened
    assert soup.select_one(f'a[href="{reverse("cases:detail", args=[returned.pk])}"]') is not None
    assert [a.get_text() for a in soup.select(".record-tabs a")] == ["全部", "待审核业务", "已审核业务"]


def test_tabs_pending_and_reviewed(client: Client, binding: Binding, reviewer: User, settings: Any) -> None:
    returned = key_change_returned(binding, reviewer)
    submitted = non_key_submitted(binding, settings)
    drafts(binding, 2)
    pending = rows_of(check_page(client.get(LIST, {"tab": "pending"})))
    assert [row.split()[0] for row in pending] == [submitted.number]
    reviewed = check_page(client.get(LIST, {"tab": "reviewed"}))
    assert [row.split()[0] for row in rows_of(reviewed)] == [returned.number]
    assert reviewed.select_one('.record-tabs a[aria-current="page"]').get_text() == "已审核业务"
    # an unknown tab is 全部
    assert len(rows_of(check_page(client.get(LIST, {"tab": "nope"})))) == 4


def test_filter_by_type_status_and_date(
    client: Client, binding: Binding, reviewer: User, settings: Any
) -> None:
    returned = key_change_returned(binding, reviewer)
    non_key_submitted(binding, settings)
    drafts(binding, 2, days_ago=40)
    by_type = rows_of(check_page(client.get(LIST, {"type_code": "unit-key-info-change"})))
    assert [row.split()[0] for row in by_type] == [returned.number]
    by_status = rows_of(check_page(client.get(LIST, {"status": "draft"})))
    assert len(by_status) == 2
    today = timezone.localdate()
    recent = check_page(
        client.get(LIST, {"start": str(today - datetime.timedelta(days=7)), "end": str(today)})
    )
    assert len(rows_of(recent)) == 2  # the drafts were created 40 days ago
    old = {"start": str(today - datetime.timedelta(days=60)), "end": str(today - datetime.timedelta(days=30))}
    assert len(rows_of(check_page(client.get(LIST, old)))) == 2
    # the filters are kept by the tabs and the form
    soup = check_page(client.get(LIST, {"type_code": "unit-key-info-change", "tab": "reviewed"}))
    assert soup.select_one("#id_type_code option[selected]")["value"] == "unit-key-info-change"
    tab_hrefs = [a["href"] for a in soup.select(".record-tabs a")]
    assert all("type_code=unit-key-info-change" in href for href in tab_hrefs)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-03-01", "2026-02-01", "截止日期不能早于起始日期"),
        ("2025-01-01", "2026-01-02", "查询时间范围不能超过一年，请缩小查询范围"),
        ("2026-13-01", "", "起始日期格式不正确，请按“年-月-日”填写，如 2026-01-31"),
    ],
)
def test_date_range_errors(client: Client, binding: Binding, start: str, end: str, message: str) -> None:
    drafts(binding, 1)
    soup = check_page(client.get(LIST, {"start": start, "end": end}))
    assert message in visible_text(soup.select_one(".error-summary"))
    assert message in visible_text(soup.select_one(".field--error"))
    assert not soup.select(".record-table")
    assert "请修改查询条件后重新查询" in visible_text(soup)


def test_a_full_year_is_allowed(client: Client, binding: Binding) -> None:
    drafts(binding, 1)
    soup = check_page(client.get(LIST, {"start": "2025-01-01", "end": "2026-01-01"}))
    assert soup.select_one(".error-summary") is None


def test_twenty_per_page(client: Client, binding: Binding, django_assert_max_num_queries: Any) -> None:
    drafts(binding, 45)
    with django_assert_max_num_queries(15):
        first = check_page(client.get(LIST))
    assert len(rows_of(first)) == 20
    assert "第 1 页，共 3 页" in visible_text(first.select_one(".pagination"))
    third = check_page(client.get(LIST, {"page": "3", "status": "draft"}))
    assert len(rows_of(third)) == 5
    assert third.select_one('.pagination a[rel="prev"]')["href"] == "?status=draft&page=2"


def test_the_list_masks_and_draft_links(client: Client, binding: Binding) -> None:
    services.application_draft_save(
        kind=UNIT_KEY_INFO_CHANGE, unit=binding.unit, actor=binding.operator.user, payload=KEY
    )
    soup = check_page(client.get(LIST))  # check_page fails on any unmasked ID number
    assert len(rows_of(soup)) == 1


def test_an_empty_list(client: Client, binding: Binding) -> None:
    soup = check_page(client.get(LIST))
    assert "暂无办件记录" in visible_text(soup)


# --- 办件详情 ------------------------------------------------------------------------------------


def test_the_detail_of_a_returned_application(client: Client, binding: Binding, reviewer: User) -> None:
    application = key_change_returned(binding, reviewer)
    soup = check_page(client.get(reverse("cases:detail", args=[application.pk])))
    text = visible_text(soup)
    assert soup.h1.get_text() == "单位参保关键信息变更"
    assert f"办件编号 {application.number}" in text
    opinion = visible_text(soup.select_one(".record-opinion"))
    assert "审核是否通过 退回补正" in opinion and f"审核意见 {RETURN_OPINION}" in opinion
    assert "审核时间" in opinion
    changes = {visible_text(tr) for tr in soup.select(".record-changes tbody tr")}
    assert f"单位名称 {binding.unit.name} 昆明新名称科技有限公司 变更" in changes
    assert "单位类型 企业 企业" in changes  # a code as its label, unchanged
    old = binding.unit.legal_rep_cert_no
    assert f"法定代表人证件号码 {old[:4]}{'*' * 10}{old[-4:]} 1101{'*' * 10}0011 变更" in changes
    assert [visible_text(tr).split()[0] for tr in soup.select(".record-changes__changed")] == [
        "单位名称", "单位注册地址", "法定代表人姓名", "法定代表人证件号码",
    ]  # fmt: skip
    materials = [visible_text(tr) for tr in soup.select("#record-materials-title + .table-wrap tbody tr")]
    assert [m.split()[0] for m in materials] == ["单位参保关键信息变更表", "营业执照"]
    timeline = [visible_text(li) for li in soup.select(".timeline li")]
    actions = [row.split()[2] for row in timeline]
    assert actions == ["创建", "打印报表", "上传材料", "上传材料", "提交申报", "领取审核", "退回补正"]
    assert timeline[-1].endswith(f"操作人：审核员甲 说明：{RETURN_OPINION}")
    assert timeline[2].endswith("说明：单位参保关键信息变更表")
    # returned: no 撤回; 修改后重新提交 appears once cases:edit exists
    assert "撤回" not in [a.get_text() for a in soup.select(".record-actions a")]


def test_the_detail_of_a_submitted_application_offers_withdraw(
    client: Client, binding: Binding, settings: Any
) -> None:
    application = non_key_submitted(binding, settings)
    soup = check_page(client.get(reverse("cases:detail", args=[application.pk])))
    withdraw = soup.select_one(".record-actions a")
    assert withdraw.get_text() == "撤回"
    assert withdraw["href"] == reverse("cases:withdraw", args=[application.pk])
    assert soup.select_one(".record-opinion") is None  # not decided yet
    assert "暂无材料" in visible_text(soup)


def test_an_operator_with_only_the_records_grant_sees_but_cannot_withdraw(
    client: Client, settings: Any
) -> None:
    doer = grant(BindingFactory.create(), "unit-info-change")
    application = non_key_submitted(doer, settings)
    viewer = grant(BindingFactory.create(unit=doer.unit), "case-records")
    login_operator(client, viewer)
    soup = check_page(client.get(reverse("cases:detail", args=[application.pk])))
    assert soup.select(".record-actions a") == []


# --- 撤回 ------------------------------------------------------------------------------------------


def test_withdraw_with_confirmation(client: Client, binding: Binding, settings: Any) -> None:
    application = non_key_submitted(binding, settings)
    url = reverse("cases:withdraw", args=[application.pk])
    soup = check_page(client.get(url))
    assert "您确定要撤回该办件吗？" in visible_text(soup)
    assert [b.get_text() for b in soup.select(".notice-box form button")] == ["确定"]
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:detail", args=[application.pk]
    )
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    soup = check_page(client.get(response["Location"]))
    assert "撤回成功，办件已回到草稿状态，可修改后重新提交" in visible_text(soup.select_one(".messages"))
    assert visible_text(soup.select(".timeline li")[-1]).split()[2] == "撤回"
    assert [a.get_text() for a in soup.select(".record-actions a")] == ["删除", "继续办理"]


# --- 删除 ------------------------------------------------------------------------------------------


def test_delete_a_draft_with_confirmation(client: Client, binding: Binding) -> None:
    user = binding.operator.user
    draft = services.application_draft_save(
        kind=UNIT_INFO_CHANGE, unit=binding.unit, actor=user, payload=NON_KEY
    )
    soup = check_page(client.get(reverse("cases:edit", args=[draft.pk])))
    delete = reverse("cases:delete", args=[draft.pk])
    assert [a["href"] for a in soup.select("a") if a.get_text() == "删除"] == [delete]
    soup = check_page(client.get(delete))
    assert "您确定要删除该办件吗？" in visible_text(soup)
    assert Application.objects.get(pk=draft.pk).status == Status.DRAFT  # a GET changes nothing
    response = client.post(delete, {"confirm": "1"})
    assert response["Location"] == reverse("cases:detail", args=[draft.pk])
    assert Application.objects.get(pk=draft.pk).status == Status.DELETED
    soup = check_page(client.get(response["Location"]))
    assert "删除成功" in visible_text(soup.select_one(".messages"))
    assert visible_text(soup.select(".timeline li")[-1]).split()[2] == "删除"
    assert soup.select(".record-actions a") == []


def test_delete_of_a_submitted_application_is_refused(
    client: Client, binding: Binding, settings: Any
) -> None:
    application = non_key_submitted(binding, settings)
    url = reverse("cases:delete", args=[application.pk])
    soup = check_page(client.get(url))
    assert "只有未提交的草稿可以删除" in visible_text(soup)
    assert soup.select(".notice-box form button") == []
    client.post(url, {"confirm": "1"})
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED


def test_withdraw_is_refused_once_a_reviewer_claimed_it(
    client: Client, binding: Binding, reviewer: User, settings: Any
) -> None:
    application = non_key_submitted(binding, settings)
    services.application_claim(application=application, reviewer=reviewer)
    url = reverse("cases:withdraw", args=[application.pk])
    soup = check_page(client.get(url))
    assert "医保经办机构已开始审核该办件，不能撤回" in visible_text(soup)
    assert soup.select(".notice-box form button") == []
    before = (Application.objects.filter(pk=application.pk).values().get(), Event.objects.count())
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    assert (Application.objects.filter(pk=application.pk).values().get(), Event.objects.count()) == before
    soup = check_page(client.get(response["Location"]))
    assert "医保经办机构已开始审核该办件，不能撤回" in visible_text(soup.select_one(".messages"))


def test_withdraw_of_a_returned_application_is_refused(
    client: Client, binding: Binding, reviewer: User
) -> None:
    application = key_change_returned(binding, reviewer)
    response = client.post(reverse("cases:withdraw", args=[application.pk]), {"confirm": "1"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.RETURNED


def test_a_get_never_withdraws(client: Client, binding: Binding, settings: Any) -> None:
    application = non_key_submitted(binding, settings)
    client.get(reverse("cases:withdraw", args=[application.pk]), {"confirm": "1"})
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


# --- who may see what -------------------------------------------------------------------------------


def test_an_operator_without_the_grant_is_told_no_permission(client: Client) -> None:
    plain = grant(BindingFactory.create(), "unit-info-change")
    login_operator(client, plain)
    soup = check_page(client.get(LIST), status=403)
    assert "无权限" in visible_text(soup)


def test_another_units_application_is_not_found(client: Client, binding: Binding, settings: Any) -> None:
    other = grant(BindingFactory.create(), *ITEMS)
    application = non_key_submitted(other, settings)
    for name in ("cases:detail", "cases:withdraw", "cases:delete"):
        url = reverse(name, args=[application.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"confirm": "1"}).status_code == 404
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED
    assert client.get(reverse("cases:detail", args=[999_999])).status_code == 404


def test_an_operator_without_any_item_for_it_gets_not_found(client: Client, settings: Any) -> None:
    doer = grant(BindingFactory.create(), "unit-info-change")
    application = non_key_submitted(doer, settings)
    other_item = grant(BindingFactory.create(unit=doer.unit), "roster")
    login_operator(client, other_item)
    assert client.get(reverse("cases:detail", args=[application.pk])).status_code == 404


def test_the_unit_admin_gets_not_found(client: Client, binding: Binding, settings: Any) -> None:
    application = non_key_submitted(binding, settings)
    account = Unit.objects.get(pk=binding.unit_id).account
    assert account is not None
    client.force_login(account)
    assert client.get(LIST).status_code == 404
    for name in ("cases:detail", "cases:withdraw"):
        assert client.get(reverse(name, args=[application.pk])).status_code == 404
    assert client.post(reverse("cases:withdraw", args=[application.pk]), {"confirm": "1"}).status_code == 404
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED


def test_anonymous_is_sent_to_login(binding: Binding, settings: Any) -> None:
    application = non_key_submitted(binding, settings)
    anonymous = Client()
    for url in (LIST, reverse("cases:detail", args=[application.pk])):
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("entry:login"))
    response = anonymous.post(reverse("cases:withdraw", args=[application.pk]), {"confirm": "1"})
    assert response["Location"].startswith(reverse("entry:login"))
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED


def test_the_catalogue_tile_leads_to_the_list(client: Client, binding: Binding) -> None:
    response = client.get(reverse("operators:item", args=["case-records"]))
    assert response.status_code == 302 and response["Location"] == LIST
