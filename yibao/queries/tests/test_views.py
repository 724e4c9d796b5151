"""The 查询服务 pages through the test client: scoping to the unit and the 管理人群, filters and
their errors, pagination, the export, and the audit of personal look-ups."""

from __future__ import annotations

import datetime
import io
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from tests.pagecheck import check_page
from yibao.cases.services import application_draft_save
from yibao.changes.unit_types import UNIT_KEY_INFO_CHANGE
from yibao.core.cache_versions import hall_unit_changed
from yibao.core.masking import mask_id_number
from yibao.core.models import AuditEvent
from yibao.core.spreadsheets.streaming import XlsxStreamError
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, PersonFactory, UnitFactory, grant
from yibao.enrollment.models import Insurance, Person, PersonnelChange
from yibao.exports.models import ExportJob
from yibao.exports.tests.helpers import download_links, export_file, export_post
from yibao.operators.models import Binding
from yibao.operators.session import CURRENT_UNIT_KEY
from yibao.queries import export_kinds
from yibao.queries.services import PERSON_VIEWED

pytestmark = pytest.mark.django_db

ITEMS = (
    "unit-basic-info", "unit-insurance-info", "person-basic-info", "person-insurance-info",
    "remote-care-filings", "roster", "personnel-changes", "case-records", "unit-key-info-change",
)  # fmt: skip


def operator(populations: tuple[str, ...] | None = None) -> Binding:
    return grant(BindingFactory.create(), *ITEMS, populations=populations)


def login(client: Client, binding: Binding) -> None:
    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit_id
    session.save()


def insured(binding: Binding, name: str = "王芳", **kwargs: Any) -> Person:
    insurance = InsuranceFactory.create(unit=binding.unit, person__name=name, **kwargs)
    return insurance.person


def rows(soup: Any) -> list[list[str]]:
    return [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])] for tr in soup.select("tbody tr")]


# --- 单位基本信息 / 单位参保信息 --------------------------------------------------------------------


def test_unit_basic_info_masks_the_legal_representative(client: Client) -> None:
    binding = operator()
    login(client, binding)
    soup = check_page(client.get(reverse("queries:unit-basic-info")))
    text = soup.get_text()
    assert binding.unit.name in text and binding.unit.uscc in text
    assert mask_id_number(binding.unit.legal_rep_cert_no) in text
    assert binding.unit.legal_rep_cert_no not in text and binding.unit.legal_rep_mobile not in text


def test_unit_insurance_info_per_insutype(client: Client, django_assert_max_num_queries: Any) -> None:
    binding = operator()
    early = insured(binding, start_date=datetime.date(2019, 5, 1))
    insured(binding, start_date=datetime.date(2021, 1, 1))
    InsuranceFactory.create(unit=binding.unit, person=early, insutype="510", status="2")
    InsuranceFactory.create(insutype="390")  # another unit's 险种
    login(client, binding)
    with django_assert_max_num_queries(16):
        soup = check_page(client.get(reverse("queries:unit-insurance-info")))
    assert rows(soup) == [
        ["职工基本医疗保险", "参保缴费", "2019-05-01", "税务征收", "2"],
        ["生育保险", "暂停缴费", "2024-01-01", "税务征收", "0"],
    ]


# --- 个人基本信息 / 个人参保信息 ------------------------------------------------------------------


def test_person_basic_info_finds_the_units_person_and_audits(client: Client) -> None:
    binding = operator()
    person = insured(binding, name="赵敏")
    login(client, binding)
    check_page(client.get(reverse("queries:person-basic-info")))
    response = client.post(
        reverse("queries:person-basic-info"), {"cert_type": "01", "cert_no": person.cert_no}
    )
    text = check_page(response).get_text()
    assert "赵敏" in text and mask_id_number(person.cert_no) in text and person.psn_no in text
    event = AuditEvent.objects.get(action=PERSON_VIEWED)
    assert (event.actor_id, event.unit_id, event.object_id) == (
        binding.operator.user_id,
        binding.unit_id,
        str(person.pk),
    )
    assert event.after == {"item": "person-basic-info"}


@pytest.mark.parametrize("name", ["queries:person-basic-info", "queries:person-insurance-info"])
def test_person_lookups_never_reveal_other_units_or_populations(client: Client, name: str) -> None:
    binding = operator(populations=("in-service",))
    retired = insured(binding, name="退休甲", psn_type="1201")
    elsewhere = InsuranceFactory.create(person__name="外单位乙").person
    login(client, binding)
    for person in (retired, elsewhere):
        response = client.post(reverse(name), {"cert_type": "01", "cert_no": person.cert_no})
        text = check_page(response, echoed=(person.cert_no,)).get_text()
        assert "未查询到该人员在本单位的信息" in text and person.name not in text
    assert not AuditEvent.objects.filter(action=PERSON_VIEWED).exists()


@pytest.mark.parametrize("name", ["queries:person-basic-info", "queries:person-insurance-info"])
def test_a_person_of_another_granted_population_is_said_so_with_the_switch(client: Client, name: str) -> None:
    """issue 20 item 9: a retiree of the unit, searched in 在职职工 by an operator also granted
    退休人员, was «未查询到该人员在本单位的信息»."""
    binding = operator(populations=("in-service", "retired"))
    retired = insured(binding, name="退休甲", psn_type="1201")
    login(client, binding)
    data = {"cert_type": "01", "cert_no": retired.cert_no}
    soup = check_page(client.post(reverse(name), data), echoed=(retired.cert_no,))
    text = soup.get_text()
    assert (
        "该人员不在您当前的管理人群（在职职工）内，属于您可办理的「退休人员」，请切换管理人群后查询" in text
    )
    assert "未查询到" not in text and retired.name not in text
    button = soup.find("button", attrs={"name": "population"})
    assert button["value"] == "retired" and button.get_text() == "切换到「退休人员」并查询"
    assert button.find_parent("form") is soup.select_one("form.person-query")  # posts the query again
    soup = check_page(client.post(reverse(name), {**data, "population": "retired"}))
    assert "已切换管理人群为「退休人员」" in soup.get_text()
    assert retired.name in soup.get_text()  # found in the population switched to
    assert AuditEvent.objects.filter(action=PERSON_VIEWED).count() == 1
    # a population the grant does not name switches nothing
    assert (
        "已切换" not in check_page(client.post(reverse(name), {**data, "population": "veteran"})).get_text()
    )


def test_person_lookup_form_errors(client: Client) -> None:
    binding = operator()
    login(client, binding)
    text = check_page(client.post(reverse("queries:person-basic-info"), {"cert_type": "zz"})).get_text()
    assert "请选择列表中的证件类型" in text and "请输入证件号码" in text


def test_person_insurance_info_lists_the_relations_with_this_unit(client: Client) -> None:
    binding = operator()
    person = insured(binding, name="钱六", base="7300.00", emp_form="1")
    InsuranceFactory.create(
        unit=binding.unit, person=person, insutype="510", status="2", pause_date=datetime.date(2025, 3, 31)
    )
    InsuranceFactory.create(person=person, insutype="390")  # with another unit
    login(client, binding)
    response = client.post(
        reverse("queries:person-insurance-info"), {"cert_type": "01", "cert_no": person.cert_no}
    )
    soup = check_page(response)
    assert rows(soup) == [
        ["职工基本医疗保险", "正常参保", "2024-01-01", "—", "202401", "7300.00", "职工在职",
         soup.select("tbody tr")[0].find_all("td")[-1].get_text(strip=True)],
        ["生育保险", "暂停参保", "2024-01-01", "2025-03-31", "202401", "6000.00", "职工在职", "—"],
    ]  # fmt: skip
    assert AuditEvent.objects.get(action=PERSON_VIEWED).after == {"item": "person-insurance-info"}


# --- 职工花名册 ----------------------------------------------------------------------------------


def test_roster_scopes_to_the_unit_and_the_population(client: Client) -> None:
    binding = operator(populations=("in-service",))
    mine = insured(binding, name="张三")
    InsuranceFactory.create(unit=binding.unit, person=mine, insutype="510")
    insured(binding, name="退休李四", psn_type="1201")
    InsuranceFactory.create(person__name="外单位王五")
    login(client, binding)
    soup = check_page(client.get(reverse("queries:roster")))
    assert rows(soup) == [
        [
            "张三",
            mask_id_number(mine.cert_no),
            "女",
            "职工在职",
            "职工基本医疗保险、生育保险",
            "正常参保",
            "2024-01-01",
        ]
    ]
    assert "共 1 人" in soup.get_text()


def test_roster_filters_are_kept_in_the_query_string(client: Client) -> None:
    binding = operator(populations=())  # a grant naming no 管理人群 covers the whole unit
    insured(binding, name="甲", start_date=datetime.date(2020, 6, 1))
    paused = insured(binding, name="乙", status="2", start_date=datetime.date(2022, 6, 1))
    InsuranceFactory.create(unit=binding.unit, person=paused, insutype="510", status="2")
    insured(binding, name="丙", psn_type="1201", start_date=datetime.date(2023, 6, 1))
    login(client, binding)
    url = reverse("queries:roster")

    def names(**query: str) -> list[str]:
        return [r[0] for r in rows(check_page(client.get(url, query)))]

    assert names() == ["甲", "乙", "丙"]
    assert names(name="乙") == ["乙"]
    assert names(status="2") == ["乙"]
    assert names(insutype="510") == ["乙"]
    assert names(psn_type="1201") == ["丙"]
    assert names(start="2021-01-01", end="2022-12-31") == ["乙"]
    response = client.post(url, {"name": "甲", "status": "1", "start": "2020-01-01"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?name=%E7%94%B2&status=1&start=2020-01-01"
    soup = check_page(client.get(response["Location"]))
    assert [r[0] for r in rows(soup)] == ["甲"]
    export = soup.find("button", string="导出")
    assert export is not None
    assert export.find_parent("form")["action"].endswith("?name=%E7%94%B2&status=1&start=2020-01-01")


def test_roster_by_cert_no_keeps_the_number_out_of_the_url(client: Client) -> None:
    binding = operator()
    person = insured(binding, name="孙七")
    insured(binding, name="周八")
    elsewhere = InsuranceFactory.create(person__name="外单位").person
    login(client, binding)
    url = reverse("queries:roster")
    response = client.post(url, {"cert_no": person.cert_no.lower()})
    assert response.status_code == 302 and person.cert_no not in response["Location"]
    soup = check_page(client.get(response["Location"]))
    assert [r[0] for r in rows(soup)] == ["孙七"] and "当前结果按证件号码筛选" in soup.get_text()
    response = client.post(url, {"cert_no": elsewhere.cert_no})
    soup = check_page(client.get(response["Location"]))
    assert rows(soup) == [] and "未查询到符合条件的职工信息" in soup.get_text()
    # a hand-made id of another unit's person finds nothing either
    assert rows(check_page(client.get(url, {"psn": str(elsewhere.pk)}))) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"status": "9"}, "请选择列表中的参保状态"),
        ({"insutype": "abc"}, "请选择列表中的险种"),
        ({"psn_type": "x"}, "请选择列表中的人员类别"),
        ({"start": "2025-02-30"}, "参保日期起格式不正确"),
        ({"start": "2025-02-01", "end": "2025-01-01"}, "结束日期不能早于开始日期"),
        ({"psn": "1;drop"}, "查询条件无效"),
        ({"psn": "9" * 20}, "查询条件无效"),  # beyond any id the database can hold
        ({"name": "长" * 51}, "姓名不能超过50个字"),
    ],
)
def test_roster_bad_filters_give_a_chinese_error(client: Client, query: dict[str, str], message: str) -> None:
    binding = operator()
    insured(binding)
    login(client, binding)
    soup = check_page(client.get(reverse("queries:roster"), query), echoed=tuple(query.values()))
    assert message in soup.get_text() and rows(soup) == []
    export = f"{reverse('queries:roster-export')}?{urlencode(query)}"
    assert client.post(export).status_code == 400 and not ExportJob.objects.exists()


def test_roster_pages_with_a_bounded_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    binding = operator()
    unit = binding.unit
    people = PersonFactory.create_batch(45)
    Insurance.objects.bulk_create(
        [InsuranceFactory.build(unit=unit, person=p) for p in people]
        + [InsuranceFactory.build(unit=unit, person=p, insutype="510") for p in people[::2]]
    )
    login(client, binding)
    for page, expected in (("1", 20), ("3", 5)):
        with django_assert_max_num_queries(21):  # 3 of them the roster's; the rest the hall's
            soup = check_page(client.get(reverse("queries:roster"), {"page": page}))
        assert len(rows(soup)) == expected
    assert "第 3 页，共 3 页" in soup.get_text() and "共 45 人" in soup.get_text()


def test_roster_export_is_masked_and_neutralised(client: Client) -> None:
    binding = operator(populations=("in-service",))
    first = insured(binding, name="=HYPERLINK(1)")
    second = insured(binding, name="吴九")
    insured(binding, name="退休", psn_type="1201")
    InsuranceFactory.create(person__name="外单位")
    login(client, binding)
    data = export_file(client, reverse("queries:roster-export"))
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheet = book.get_sheet_by_name("职工花名册").to_python()
    assert sheet[0] == ["序号", "姓名", "证件号码", "性别", "人员类别", "险种", "参保状态", "参保日期"]
    assert [row[1:3] for row in sheet[1:]] == [
        ["'=HYPERLINK(1)", mask_id_number(first.cert_no)],
        ["吴九", mask_id_number(second.cert_no)],
    ]
    assert sheet[1][3:] == ["女", "职工在职", "职工基本医疗保险", "正常参保", "2024-01-01"]


def test_full_identity_grant_shows_numbers_in_full_and_audits_the_export(client: Client) -> None:
    binding = operator()
    person = insured(binding, name="钱多", person__mobile="13912345678")
    login(client, binding)
    masked = check_page(client.get(reverse("queries:roster") + "?status="))
    assert mask_id_number(person.cert_no) in masked.get_text() and person.cert_no not in masked.get_text()
    Binding.objects.filter(pk=binding.pk).update(full_identity=True)
    hall_unit_changed(binding.unit_id)  # as 权限管理 (operators.services.operator_grants_set) does
    page = check_page(client.get(reverse("queries:roster") + "?status="), shown=(person.cert_no,))
    assert person.cert_no in page.get_text()
    basic = check_page(
        client.post(reverse("queries:person-basic-info"), {"cert_type": "01", "cert_no": person.cert_no}),
        shown=(person.cert_no, "13912345678"),
    )
    assert person.cert_no in basic.get_text() and "13912345678" in basic.get_text()
    data = export_file(client, reverse("queries:roster-export"))
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert sheet.get_sheet_by_name("职工花名册").to_python()[1][2] == person.cert_no
    event = AuditEvent.objects.get(action="roster_exported")
    assert (event.actor_id, event.unit_id, event.after["full_identity"]) == (
        binding.operator.user_id,
        binding.unit_id,
        True,
    )


def test_a_roster_too_large_for_one_sheet_fails_with_a_message(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    binding = operator()
    insured(binding)
    login(client, binding)

    def too_large(output: Any, sheets: Any) -> None:
        raise XlsxStreamError("more than the rows a sheet can hold")

    monkeypatch.setattr(export_kinds, "write_xlsx", too_large)
    soup = export_post(client, reverse("queries:roster-export"), {"status": ""})
    assert "超过Excel单个工作表的上限" in soup.get_text() and download_links(soup) == []
    assert ExportJob.objects.get().status == ExportJob.Status.FAILED
    assert not AuditEvent.objects.filter(action="roster_exported").exists()


# --- 单位人员变动 --------------------------------------------------------------------------------


def test_personnel_changes_scoped_filtered_and_linked(client: Client) -> None:
    binding = operator(populations=("in-service",))
    unit = binding.unit
    person = insured(binding, name="郑十")
    retired = insured(binding, name="退休", psn_type="1201")
    application = application_draft_save(
        kind=UNIT_KEY_INFO_CHANGE, unit=unit, actor=binding.operator.user,
        payload={"name": "新名称有限公司", "emp_type": "10", "address": "新地址", "legal_rep_name": "王强",
                 "legal_rep_cert_type": "01", "legal_rep_cert_no": "110101199003070011"},
    )  # fmt: skip
    PersonnelChange.objects.create(
        unit=unit, person=person, kind="add", insutypes="310,510", effective_date=datetime.date(2025, 1, 2),
        application=application, detail={"psn_type": "1101", "base": "6000.00"},
    )  # fmt: skip
    PersonnelChange.objects.create(
        unit=unit, person=person, kind="change", insutypes="310", effective_date=datetime.date(2025, 3, 4),
        detail={"before": {"mobile": "13700000001"}, "after": {"mobile": "13912345678"}},
    )  # fmt: skip
    PersonnelChange.objects.create(
        unit=unit, person=retired, kind="remove", insutypes="310", effective_date=datetime.date(2025, 2, 1)
    )
    other = UnitFactory.create()
    PersonnelChange.objects.create(
        unit=other, person=person, kind="remove", insutypes="310", effective_date=datetime.date(2025, 5, 1)
    )
    login(client, binding)
    url = reverse("queries:personnel-changes")
    soup = check_page(client.get(url))
    assert [r[0] for r in rows(soup)] == ["变更", "增员"]
    change, add = rows(soup)
    assert change[5] == "手机号码：137****0001 → 139****5678"
    assert add[3] == "职工基本医疗保险、生育保险" and add[5] == "人员类别：职工在职；缴费基数：6000.00"
    link = soup.find("a", string=application.number)
    assert link is not None and link["href"] == reverse("cases:detail", args=[application.pk])
    assert [r[0] for r in rows(check_page(client.get(url, {"kind": "add"})))] == ["增员"]
    assert [r[4] for r in rows(check_page(client.get(url, {"start": "2025-02-01"})))] == ["2025-03-04"]
    bad = check_page(client.get(url, {"kind": "move", "end": "x"}), echoed=("move",)).get_text()
    assert "请选择列表中的变动类型" in bad and "变动日期止格式不正确" in bad
