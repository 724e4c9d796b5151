"""办件记录查询 in a browser: from the home tile, filter, read a returned application, withdraw one."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_operators import login_operator
from yibao.cases.models import Application, Status
from yibao.cases.tests.test_records import (
    ITEMS,
    RETURN_OPINION,
    key_change_returned,
    make_reviewer,
    non_key_submitted,
)
from yibao.core.tests.factories import BindingFactory, grant


def test_query_read_the_opinion_and_withdraw(page: Any, settings: Any) -> None:
    binding = grant(BindingFactory.create(), *ITEMS)
    returned = key_change_returned(binding, make_reviewer())
    waiting = non_key_submitted(binding, settings)

    login_operator(page, binding.operator.mobile, binding.unit.name)
    expect(page.get_by_role("heading", name="单位网厅首页")).to_be_visible()
    page.locator(".service-tile", has_text="办件记录查询").get_by_role("link").click()
    expect(page.get_by_role("heading", name="办件记录查询")).to_be_visible()
    expect(page.locator(".record-table tbody tr")).to_have_count(2)

    page.get_by_label("业务类型").select_option(label="单位参保关键信息变更")
    page.get_by_role("button", name="查询").click()
    rows = page.locator(".record-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(returned.number)
    expect(rows.first).to_contain_text("退回补正")
    screenshot(page, "case-records-list")

    page.get_by_role("link", name=f"查看 {returned.number}").click()
    expect(page.get_by_role("heading", name="单位参保关键信息变更", exact=True)).to_be_visible()
    expect(page.locator(".record-opinion")).to_contain_text(RETURN_OPINION)
    expect(page.locator(".record-opinion")).to_contain_text("退回补正")
    timeline = page.locator(".timeline li")
    expect(timeline).to_have_count(7)
    expect(timeline.last).to_contain_text("退回补正")
    expect(timeline.last).to_contain_text("审核员甲")
    expect(page.locator(".record-changes__changed").first).to_contain_text("昆明新名称科技有限公司")
    screenshot(page, "case-records-detail-returned")

    page.get_by_role("link", name="办件记录查询").click()
    page.get_by_role("link", name="待审核业务").click()
    expect(page.locator(".record-table tbody tr")).to_have_count(1)
    page.get_by_role("link", name=f"查看 {waiting.number}").click()
    page.get_by_role("link", name="撤回").click()
    expect(page.get_by_text("您确定要撤回该办件吗？")).to_be_visible()
    screenshot(page, "case-records-withdraw-confirm")
    page.get_by_role("button", name="确定").click()
    expect(page.locator(".messages")).to_contain_text("撤回成功，办件已回到草稿状态")
    expect(page.locator(".record-summary")).to_contain_text("草稿")
    expect(page.locator(".timeline li").last).to_contain_text("撤回")
    screenshot(page, "case-records-withdrawn")
    assert Application.objects.get(pk=waiting.pk).status == Status.DRAFT
    assert Application.objects.get(pk=returned.pk).status == Status.RETURNED

    # the draft it became can be deleted (删除), after a confirmation
    page.get_by_role("link", name="删除").click()
    expect(page.get_by_text("您确定要删除该办件吗？")).to_be_visible()
    page.get_by_role("button", name="确定").click()
    expect(page.locator(".messages")).to_contain_text("删除成功")
    expect(page.locator(".record-summary")).to_contain_text("已删除")
    expect(page.locator(".timeline li").last).to_contain_text("删除")
    screenshot(page, "case-records-deleted")
    assert Application.objects.get(pk=waiting.pk).status == Status.DELETED
