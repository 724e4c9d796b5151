"""单位缴费信息查询, 缴费明细导出 and 个人缴费信息查询 through the test client."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from tests.pagecheck import check_page, visible_text
from yibao.contributions import views
from yibao.contributions.periods import period_text
from yibao.contributions.services import PERSON_QUERY_ACTION
from yibao.contributions.tests.helpers import World, contribution_world
from yibao.core.masking import mask_id_number
from yibao.core.models import AuditEvent
from yibao.enrollment.models import Person
from yibao.exports.models import ExportJob
from yibao.exports.services import SAME_PENDING, SUBMITTED
from yibao.exports.tests.helpers import export_file
from yibao.operators.models import Binding
from yibao.operators.session import CURRENT_UNIT_KEY

pytestmark = pytest.mark.django_db


def login(client: Client, binding: Binding) -> None:
    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit_id
    session.save()


@pytest.fixture
def world(client: Client) -> World:
    world = contribution_world(timezone.localdate())
    login(client, world.binding)
    return world


def table_rows(soup: Any) -> list[list[str]]:
    return [
        [visible_text(td) for td in tr.find_all(["td", "th"])] for tr in soup.select(".contribution-table tr")
    ]


def test_unit_query_defaults_to_the_last_twelve_months_with_totals(client: Client, world: World) -> None:
    soup = check_page(client.get(reverse("contributions:unit")))
    rows = table_rows(soup)
    # header, three months newest first (在职 only: the operator works in 在职职工), totals
    assert [r[0] for r in rows[1:]] == [period_text(m) for m in reversed(world.months)] + ["合计"]
    newest = rows[1]
    assert newest[1:] == [
        "职工基本医疗保险",
        "18,000.00",
        "1,440.00",
        "360.00",
        "1,800.00",
        "3",
        "部分到账",
        newest[8],
    ]
    assert rows[2][6:8] == ["3", "已到账"]
    assert rows[-1][1:6] == ["54,000.00", "4,320.00", "1,080.00", "5,400.00", "9"]
    export = soup.find("button", string="缴费明细导出")
    assert export is not None and "start=" in str(export.find_parent("form")["action"])


def test_unit_query_filters_and_refuses_a_long_range(client: Client, world: World) -> None:
    url = reverse("contributions:unit")
    one = period_text(world.months[1])
    soup = check_page(client.get(url, {"start": one, "end": one, "insutype": "310"}))
    assert [r[0] for r in table_rows(soup)[1:]] == [one, "合计"]
    soup = check_page(client.get(url, {"start": one, "end": one, "insutype": "390"}))
    assert "查询时间范围内暂无缴费记录" in visible_text(soup)
    soup = check_page(client.get(url, {"start": "2020-01", "end": "2023-02"}))
    assert "查询时间范围不能超过36个月" in visible_text(soup)
    assert soup.select(".contribution-table") == []
    soup = check_page(client.get(url, {"start": "2024-13", "end": ""}))
    assert "起始年月格式不正确" in visible_text(soup)
    # issue 20 item 9: a well-formed month before the system's first was «格式不正确»
    soup = check_page(client.get(url, {"start": "1900-01", "end": ""}))
    assert "起始年月不能早于1990-01（医疗保险缴费记录从1990年起），请重新选择" in visible_text(soup)
    assert "格式不正确" not in visible_text(soup)


def test_unit_query_is_one_grouped_query(client: Client, world: World) -> None:
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("contributions:unit"))
    summary = [q["sql"] for q in queries.captured_queries if "contributions_" in q["sql"]]
    assert len(summary) == 1 and "GROUP BY" in summary[0]


def test_whole_unit_population_includes_the_retiree(client: Client, world: World) -> None:
    world.binding.populations.clear()  # no 管理人群 named: the whole unit
    soup = check_page(client.get(reverse("contributions:unit")))
    assert table_rows(soup)[-1][1:6] == ["66,000.00", "5,280.00", "1,320.00", "6,600.00", "12"]


def test_export_is_the_masked_detail_of_the_range(client: Client, world: World) -> None:
    start, end = period_text(world.months[0]), period_text(world.months[-1])
    data = export_file(client, reverse("contributions:unit-export"), {"start": start, "end": end})
    rows = CalamineWorkbook.from_object(io.BytesIO(data)).get_sheet_by_name("缴费明细").to_python()
    assert rows[0] == [
        "费款所属期",
        "姓名",
        "证件号码",
        "险种",
        "缴费基数",
        "单位缴费",
        "个人缴费",
        "到账状态",
    ]
    assert len(rows) == 1 + 9  # three months × three workers; no retiree, nobody of the other unit
    numbers = {r[2] for r in rows[1:]}
    assert numbers == {mask_id_number(p.cert_no) for p in world.workers}
    last = [r for r in rows[1:] if r[0] == end and r[2] == mask_id_number(world.workers[0].cert_no)]
    assert last == [
        [
            end,
            "王芳",
            mask_id_number(world.workers[0].cert_no),
            "职工基本医疗保险",
            5000.0,
            400.0,
            100.0,
            "未到账",
        ]
    ]


def test_export_keeps_formula_looking_names_as_neutralised_text(client: Client, world: World) -> None:
    Person.objects.filter(pk=world.workers[0].pk).update(name='=HYPERLINK("http://x","<点我>")')
    end = period_text(world.months[-1])
    data = export_file(client, reverse("contributions:unit-export"), {"start": end, "end": end})
    rows = CalamineWorkbook.from_object(io.BytesIO(data)).get_sheet_by_name("缴费明细").to_python()
    mine = [r for r in rows[1:] if r[2] == mask_id_number(world.workers[0].cert_no)]
    assert [r[1] for r in mine] == ['\'=HYPERLINK("http://x","<点我>")']
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_export_refuses_a_bad_range(client: Client, world: World) -> None:
    response = client.post(reverse("contributions:unit-export") + "?start=2026-05&end=2026-01")
    soup = check_page(response, status=400)
    assert "截止年月不能早于起始年月" in visible_text(soup)


def test_person_query_by_id_number_shows_this_unit_only_and_is_audited(client: Client, world: World) -> None:
    url = reverse("contributions:person")
    check_page(client.get(url))
    person = world.workers[0]
    data = {
        "cert_type": "01",
        "cert_no": person.cert_no,
        "start": "",
        "end": "",
        "insutype": "",
        "arrival": "",
    }
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    soup = check_page(response, echoed=(person.cert_no,))
    rows = table_rows(soup)
    assert [r[0] for r in rows[1:-1]] == [period_text(m) for m in reversed(world.months)]
    assert rows[1][2] == mask_id_number(person.cert_no)
    assert rows[1][8] == "未到账"
    assert rows[-1][0] == "合计（3条）" and rows[-1][1:5] == ["15,000.00", "1,200.00", "300.00", "1,500.00"]
    ours = [q["sql"] for q in queries.captured_queries if "contributions_contribution" in q["sql"]]
    assert len(ours) == 2  # the totals (with the count) and the page
    event = AuditEvent.objects.get(action=PERSON_QUERY_ACTION)
    assert (event.actor_id, event.unit_id, event.after["persons"]) == (
        world.binding.operator.user_id,
        world.binding.unit_id,
        [person.psn_no],
    )
    # someone of another unit, and a retiree outside the operator's 管理人群: nothing
    for other in (world.stranger, world.retiree):
        soup = check_page(client.post(url, {**data, "cert_no": other.cert_no}), echoed=(other.cert_no,))
        assert "未查询到该人员在本单位的信息" in visible_text(soup)
        assert soup.find("button", attrs={"name": "population"}) is None  # 退休人员 is not granted


def test_a_just_enrolled_employee_has_no_contributions_yet_not_no_record(
    client: Client, world: World
) -> None:
    """issue 20 item 9: a just-enrolled employee's 个人缴费 said «仅可查询本单位职工»."""
    from yibao.core.tests.factories import InsuranceFactory

    new = InsuranceFactory.create(unit=world.binding.unit, psn_type="1101").person
    data = {"cert_type": "01", "cert_no": new.cert_no, "start": "", "end": "", "insutype": "", "arrival": ""}
    soup = check_page(client.post(reverse("contributions:person"), data), echoed=(new.cert_no,))
    text = visible_text(soup)
    assert (
        "该职工在" in text
        and "暂无符合条件的缴费记录" in text
        and "新参保职工须待首个费款所属期核定后方可查询" in text
    )
    assert "仅可查询本单位职工" not in text


def test_a_person_of_another_granted_population_gets_the_switch(client: Client, world: World) -> None:
    from yibao.units.models import Population

    world.binding.populations.add(Population.objects.get(code="retired"))
    url = reverse("contributions:person")
    data = {
        "cert_type": "01",
        "cert_no": world.retiree.cert_no,
        "start": "",
        "end": "",
        "insutype": "",
        "arrival": "",
    }
    soup = check_page(client.post(url, data), echoed=(world.retiree.cert_no,))
    assert "该人员不在您当前的管理人群（在职职工）内，属于您可办理的「退休人员」" in visible_text(soup)
    button = soup.find("button", attrs={"name": "population"})
    assert button["value"] == "retired" and button.find_parent("form") is not None
    soup = check_page(client.post(url, {**data, "population": "retired"}), echoed=(world.retiree.cert_no,))
    assert "已切换管理人群为「退休人员」" in visible_text(soup)
    assert table_rows(soup)[-1][0] == "合计（3条）"  # the retiree's three months


def test_person_query_by_name_filters_and_pages(client: Client, world: World) -> None:
    from yibao.contributions import views

    url = reverse("contributions:person")
    views.PAGE_SIZE, saved = 4, views.PAGE_SIZE
    try:
        data = {
            "cert_type": "01",
            "cert_no": "",
            "name": "王芳",
            "start": "",
            "end": "",
            "insutype": "",
            "arrival": "",
        }
        soup = check_page(client.post(url, data))
        assert "第 1 页，共 3 页" in visible_text(soup)
        assert len(table_rows(soup)) == 1 + 4 + 1
        soup = check_page(client.post(url, {**data, "page": "3"}))
        assert len(table_rows(soup)) == 1 + 1 + 1  # 9 rows: 4 + 4 + 1
        soup = check_page(client.post(url, {**data, "arrival": "0"}))
        assert table_rows(soup)[-1][0] == "合计（1条）"
    finally:
        views.PAGE_SIZE = saved


def test_person_query_needs_a_person(client: Client, world: World) -> None:
    soup = check_page(client.post(reverse("contributions:person"), {"cert_type": "01"}))
    assert "请输入证件号码或姓名" in visible_text(soup)
    assert not AuditEvent.objects.filter(action=PERSON_QUERY_ACTION).exists()


def test_another_units_operator_sees_only_its_own(client: Client, world: World) -> None:
    from yibao.core.tests.factories import BindingFactory, grant

    other = grant(BindingFactory.create(), "unit-contributions", "person-contributions")
    login(client, other)
    soup = check_page(client.get(reverse("contributions:unit")))
    assert "查询时间范围内暂无缴费记录" in visible_text(soup)
    data = {"cert_type": "01", "cert_no": world.workers[0].cert_no}
    soup = check_page(client.post(reverse("contributions:person"), data), echoed=(world.workers[0].cert_no,))
    assert "未查询到该人员在本单位的信息" in visible_text(soup)


def test_export_larger_than_a_sheet_is_refused_with_a_message(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "MAX_ROWS", 9)  # the range has 9 rows: one sheet of 9 holds 8
    start, end = period_text(world.months[0]), period_text(world.months[-1])
    response = client.post(f"{reverse('contributions:unit-export')}?start={start}&end={end}", follow=True)
    text = visible_text(check_page(response))
    assert "超过Excel单个工作表的上限" in text and "请缩小查询时间范围后分次导出" in text
    assert response.redirect_chain[-1][0].startswith(reverse("contributions:unit") + "?")
    assert not ExportJob.objects.exists()


def test_export_with_the_full_identity_grant_shows_numbers_and_is_audited(
    client: Client, world: World
) -> None:
    Binding.objects.filter(pk=world.binding.pk).update(full_identity=True)
    end = period_text(world.months[-1])
    data = export_file(client, reverse("contributions:unit-export"), {"start": end, "end": end})
    rows = CalamineWorkbook.from_object(io.BytesIO(data)).get_sheet_by_name("缴费明细").to_python()
    assert {r[2] for r in rows[1:]} == {p.cert_no for p in world.workers}
    event = AuditEvent.objects.get(action="contributions_exported")
    assert event.unit_id == world.binding.unit_id and event.after["full_identity"] is True


def test_export_clicked_twice_makes_one_job_and_leads_back_to_the_range(client: Client, world: World) -> None:
    one = period_text(world.months[1])
    url = f"{reverse('contributions:unit-export')}?start={one}&end={one}&insutype=310"
    for _ in range(2):
        with TestCase.captureOnCommitCallbacks(execute=False):  # the worker has not run yet
            response = client.post(url, follow=True)
    text = visible_text(check_page(response))
    assert SAME_PENDING in text and SUBMITTED not in text
    assert ExportJob.objects.count() == 1
    back = check_page(response).find("a", string="返回查询")["href"]
    assert back == f"{reverse('contributions:unit')}?start={one}&end={one}&insutype=310"
    soup = check_page(client.get(back))
    assert [r[0] for r in table_rows(soup)[1:]] == [one, "合计"]
