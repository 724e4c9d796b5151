"""查询服务 in a browser: the unit's information, a person's, the roster with its filters,
pagination and 导出, 异地就医备案信息 (filters, pages by keyboard, 导出) and 单位人员变动."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from tests.e2e.conftest import export_download, screenshot
from tests.e2e.test_operators import login_operator
from tests.pagecheck import check_html
from yibao.core.masking import mask_id_number
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, PersonFactory, grant
from yibao.enrollment.models import Insurance, PersonnelChange
from yibao.filings.models import Filing
from yibao.operators.models import Binding
from yibao.queries.tests.test_filings import filing

ITEMS = (
    "unit-basic-info", "unit-insurance-info", "person-basic-info", "person-insurance-info",
    "remote-care-filings", "roster", "personnel-changes",
)  # fmt: skip


def _unit_with_people() -> tuple[Binding, Any]:
    binding = grant(BindingFactory.create(), *ITEMS, populations=())
    unit = binding.unit
    people = PersonFactory.create_batch(23, name="职工")
    Insurance.objects.bulk_create([InsuranceFactory.build(unit=unit, person=p) for p in people])
    target = InsuranceFactory.create(
        unit=unit, person__name="赵敏", status="2", start_date=datetime.date(2022, 3, 1),
        pause_date=datetime.date(2025, 6, 30),
    ).person  # fmt: skip
    InsuranceFactory.create(person__name="外单位人员")
    PersonnelChange.objects.create(
        unit=unit, person=target, kind="remove", insutypes="310", effective_date=datetime.date(2025, 6, 30),
        detail={"reason": "01", "reason_label": "解除劳动关系"},
    )  # fmt: skip
    PersonnelChange.objects.create(
        unit=unit, person=people[0], kind="add", insutypes="310", effective_date=datetime.date(2024, 1, 1),
        detail={"psn_type": "1101", "base": "6000.00"},
    )  # fmt: skip
    return binding, target


def _open(page: Any, name: str) -> None:
    page.goto(page.base_url + "/hall/operators/services/?group=query")
    page.locator(".service-tile", has_text=name).get_by_role("link").click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()


def test_unit_and_person_queries(page: Any) -> None:
    binding, target = _unit_with_people()
    login_operator(page, binding.operator.mobile, binding.unit.name)

    _open(page, "单位基本信息查询")
    expect(page.locator(".query-summary")).to_contain_text(binding.unit.uscc)
    expect(page.locator(".query-summary")).to_contain_text(mask_id_number(binding.unit.legal_rep_cert_no))
    screenshot(page, "queries-unit-basic")

    _open(page, "单位参保信息查询")
    row = page.locator(".unit-insurance-table tbody tr").first
    expect(row).to_contain_text("职工基本医疗保险")
    expect(row).to_contain_text("参保缴费")
    expect(row.locator("td").last).to_have_text("23")
    screenshot(page, "queries-unit-insurance")

    _open(page, "个人基本信息查询")
    page.get_by_label("证件类型").select_option(label="居民身份证(户口簿)")
    page.get_by_label("证件号码").fill("110101199003070011")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("未查询到该人员在本单位的信息")).to_be_visible()
    page.get_by_label("证件号码").fill(target.cert_no)
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".query-summary")).to_contain_text("赵敏")
    expect(page.locator(".query-summary")).to_contain_text(mask_id_number(target.cert_no))
    screenshot(page, "queries-person-basic")

    _open(page, "个人参保信息查询")
    page.get_by_label("证件号码").fill(target.cert_no)
    page.get_by_role("button", name="查询").click()
    row = page.locator(".person-insurance-table tbody tr").first
    expect(row).to_contain_text("暂停参保")
    expect(row).to_contain_text("2025-06-30")
    screenshot(page, "queries-person-insurance")


def test_roster_filters_pages_and_export(page: Any, tmp_path: Path) -> None:
    binding, target = _unit_with_people()
    login_operator(page, binding.operator.mobile, binding.unit.name)
    _open(page, "职工花名册查询")
    table = page.locator(".roster-query-table tbody tr")
    expect(table).to_have_count(20)
    expect(page.locator(".query-results__count")).to_have_text("共 24 人")
    expect(page.get_by_text("外单位人员")).to_have_count(0)
    screenshot(page, "queries-roster")
    page.get_by_role("link", name="下一页").click()
    expect(table).to_have_count(4)
    expect(page.get_by_text("第 2 页，共 2 页")).to_be_visible()

    page.get_by_label("参保状态").select_option(label="暂停参保")
    page.get_by_role("button", name="查询").click()
    expect(table).to_have_count(1)
    expect(table.first).to_contain_text("赵敏")
    expect(page.get_by_label("参保状态")).to_have_value("2")
    assert "status=2" in page.url and target.cert_no not in page.url

    page.get_by_role("link", name="重置").click()
    page.get_by_label("证件号码").fill(target.cert_no)
    page.get_by_role("button", name="查询").click()
    expect(table).to_have_count(1)
    expect(table.first).to_contain_text(mask_id_number(target.cert_no))
    assert target.cert_no not in page.url
    page.get_by_role("link", name="重置").click()

    page.get_by_label("姓名").fill("职工")
    page.get_by_label("险种").select_option(label="职工基本医疗保险")
    page.get_by_label("人员类别").select_option(label="职工在职")
    page.get_by_label("参保日期起").fill("2030-01-01")
    page.get_by_label("参保日期止").fill("2020-01-01")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".error-summary")).to_contain_text("结束日期不能早于开始日期")
    page.get_by_label("参保日期起").fill("2023-01-01")
    page.get_by_label("参保日期止").fill("2024-12-31")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".query-results__count")).to_have_text("共 23 人")
    screenshot(page, "queries-roster-filtered")

    page.get_by_role("button", name="导出").click()
    download = export_download(page, "职工花名册")
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / "roster.xlsx"
    download.save_as(saved)
    sheet = CalamineWorkbook.from_path(str(saved)).get_sheet_by_name("职工花名册").to_python()
    assert sheet[0] == ["序号", "姓名", "证件号码", "性别", "人员类别", "险种", "参保状态", "参保日期"]
    assert len(sheet) == 24
    assert {row[1] for row in sheet[1:]} == {"职工"}
    assert all("*" in str(row[2]) and len(str(row[2])) == 18 for row in sheet[1:])


def _unit_with_filings() -> tuple[Binding, Any]:
    """A unit whose 21 employees each hold a 异地转诊 filing to 深圳, and whose 韩梅梅 moved her
    long-term filing to 广州 (the old version 已变更); another unit's filing beside them."""
    binding = grant(BindingFactory.create(), *ITEMS, populations=())
    people = [
        InsuranceFactory.create(unit=binding.unit, person__name=f"职工{i:02d}").person for i in range(21)
    ]
    for i, person in enumerate(people):
        filing(binding, person, number=f"BA2025{i:010d}")
    han = InsuranceFactory.create(unit=binding.unit, person__name="韩梅梅").person
    old = filing(
        binding, han, number="BA2024OLD", kind=Filing.Kind.RESIDENCE, end_date=None,
        start_date=datetime.date(2024, 1, 1), status=Filing.Status.CHANGED,
    )  # fmt: skip
    filing(
        binding, han, number="BA2025HAN", kind=Filing.Kind.RESIDENCE, care_division_id="440100", end_date=None,
        start_date=datetime.date(2025, 4, 1), previous=old,
    )  # fmt: skip
    other = grant(BindingFactory.create(), *ITEMS)
    filing(
        other, InsuranceFactory.create(unit=other.unit, person__name="外单位人员").person, number="BA-OTHER"
    )
    return binding, han


def test_remote_care_filings_filter_pages_and_export(page: Any, tmp_path: Path) -> None:
    binding, han = _unit_with_filings()
    login_operator(page, binding.operator.mobile, binding.unit.name)
    _open(page, "异地就医备案信息查询")
    rows = page.locator(".filing-query-table tbody tr")
    expect(rows).to_have_count(20)
    expect(page.locator(".query-results__count")).to_have_text("共 23 条")
    expect(page.get_by_text("外单位人员")).to_have_count(0)
    expect(rows.first).to_contain_text("BA2025HAN")
    expect(rows.first).to_contain_text("广东省广州市")
    expect(rows.first).to_contain_text("长期有效")
    expect(rows.first).to_contain_text(mask_id_number(han.cert_no))
    screenshot(page, "queries-remote-care-filings")

    # by keyboard: the next page, then back
    page.get_by_role("link", name="下一页").focus()
    page.keyboard.press("Enter")
    expect(rows).to_have_count(3)
    expect(page.get_by_text("第 2 页，共 2 页")).to_be_visible()
    page.get_by_role("link", name="上一页").focus()
    page.keyboard.press("Enter")
    expect(rows).to_have_count(20)

    # 证件号码 typed and Enter pressed: found, kept out of the address
    page.get_by_label("证件号码").fill(han.cert_no)
    page.get_by_label("证件号码").press("Enter")
    expect(rows).to_have_count(2)
    expect(page.get_by_text("当前结果按证件号码筛选")).to_be_visible()
    assert han.cert_no not in page.url
    page.get_by_label("备案状态").select_option(label="已变更")
    page.get_by_role("button", name="查询").click()  # the 证件号码 is asked again: the list is the unit's
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("BA2024OLD")

    page.get_by_role("link", name="重置").click()
    page.get_by_label("备案类型").select_option(label="异地转诊人员")
    expect(page.locator(".region-picker__refresh")).to_have_count(0)  # the picker's script has run
    page.get_by_label("省（自治区、直辖市）").select_option(label="广东省")
    expect(page.get_by_label("市（地区、州）").locator("option", has_text="深圳市")).to_have_count(1)
    page.get_by_label("市（地区、州）").select_option(label="深圳市")
    page.get_by_label("开始日期起").fill("2025-04-01")
    page.get_by_label("开始日期止").fill("2025-01-01")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".error-summary")).to_contain_text("结束日期不能早于开始日期")
    expect(page.get_by_label("市（地区、州）")).to_have_value("440300")  # kept as chosen
    page.get_by_label("开始日期起").fill("2025-01-01")
    page.get_by_label("开始日期止").fill("2025-12-31")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".query-results__count")).to_have_text("共 21 条")
    expect(page.get_by_label("备案类型")).to_have_value("referral")
    expect(page.get_by_label("市（地区、州）")).to_have_value("440300")
    screenshot(page, "queries-remote-care-filings-filtered")

    page.get_by_role("button", name="导出").focus()
    page.keyboard.press("Enter")
    download = export_download(page, "异地就医备案信息", keyboard=True)
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / "filings.xlsx"
    download.save_as(saved)
    sheet = CalamineWorkbook.from_path(str(saved)).get_sheet_by_name("异地就医备案信息").to_python()
    assert sheet[0][:5] == ["序号", "备案编号", "姓名", "证件号码", "备案类型"]
    assert len(sheet) == 22
    assert {row[4] for row in sheet[1:]} == {"异地转诊人员"} and {row[6] for row in sheet[1:]} == {
        "广东省深圳市"
    }
    assert all("*" in str(row[3]) for row in sheet[1:])


def test_person_insurance_info_shows_the_current_filing(page: Any) -> None:
    binding, han = _unit_with_filings()
    login_operator(page, binding.operator.mobile, binding.unit.name)
    _open(page, "个人参保信息查询")
    page.get_by_label("证件号码").fill(han.cert_no)
    page.get_by_role("button", name="查询").click()
    row = page.locator(".person-filing-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("异地长期居住人员")
    expect(row).to_contain_text("广东省广州市")
    expect(row).to_contain_text("已备案")
    screenshot(page, "queries-person-insurance-filing")


def test_personnel_changes(page: Any) -> None:
    binding, _target = _unit_with_people()
    login_operator(page, binding.operator.mobile, binding.unit.name)

    _open(page, "单位人员变动查询")
    rows = page.locator(".change-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("减员")
    expect(rows.first).to_contain_text("中断原因：解除劳动关系")
    page.get_by_label("变动类型").select_option(label="增员")
    page.get_by_role("button", name="查询").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("人员类别：职工在职")
    page.get_by_label("变动日期起").fill("2025-01-01")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("暂无人员变动记录")).to_be_visible()
    screenshot(page, "queries-personnel-changes")


def test_a_pending_export_refreshes_itself_until_it_can_be_downloaded(
    page: Any, settings: Any, tmp_path: Path
) -> None:
    """The worker takes its time (a queue that only keeps the task): 导出记录 says 排队中 and asks
    again every 3 seconds; once the worker has built the file, the page shows 下载 by itself."""
    from yibao.exports.models import ExportJob
    from yibao.exports.services import export_run

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["sms", "default"]}
    }
    binding, _target = _unit_with_people()
    login_operator(page, binding.operator.mobile, binding.unit.name)
    _open(page, "职工花名册查询")
    page.get_by_role("button", name="导出").click()
    row = page.locator(".export-table tbody tr").first
    expect(row).to_contain_text("排队中")
    expect(page.get_by_role("link", name="刷新")).to_be_visible()
    check_html(page.content())
    screenshot(page, "exports-pending")
    export_run.call(ExportJob.objects.get().pk)  # the worker's run
    expect(row).to_contain_text("已完成", timeout=10_000)
    expect(page.get_by_role("link", name="刷新")).to_have_count(0)
    with page.expect_download() as download_info:
        row.get_by_role("link", name="下载").click()
    saved = tmp_path / "roster.xlsx"
    download_info.value.save_as(saved)
    assert len(CalamineWorkbook.from_path(str(saved)).get_sheet_by_name("职工花名册").to_python()) == 25
