"""异地就医备案信息查询 through the test client: only the unit's filings of the operator's
管理人群, every filter (证件号码 posted, never in an address), masking per 数据权限, paging, the
export and its audit; and 个人参保信息查询 showing the person's current filing."""

from __future__ import annotations

import datetime
import io
from itertools import count
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from tests.pagecheck import check_page
from yibao.cases.models import Application
from yibao.core.masking import mask_id_number, mask_phone
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, grant
from yibao.enrollment.models import Person
from yibao.enrollment.scope import PersonScope
from yibao.exports.models import ExportJob
from yibao.exports.tests.helpers import download_links, export_file, export_post
from yibao.filings.models import Filing
from yibao.filings.selectors import FilingFilters, person_current_filings, unit_filings
from yibao.filings.tests.helpers import filed, filing_binding
from yibao.filings.tests.helpers import insured as insured_now
from yibao.operators.models import Binding
from yibao.queries.services import FILINGS_EXPORTED, PERSON_VIEWED
from yibao.queries.tests.test_views import ITEMS, login, rows

pytestmark = pytest.mark.django_db

URL = "queries:remote-care-filings"
EXPORT = "queries:remote-care-filings-export"
SHENZHEN, GUANGZHOU, BEIJING = "440300", "440100", "110100"
_numbers = count(1)


def operator(populations: tuple[str, ...] | None = None) -> Binding:
    return grant(BindingFactory.create(), *ITEMS, populations=populations)


def insured(binding: Binding, name: str, psn_type: str = "1101", **person: Any) -> Person:
    return InsuranceFactory.create(
        unit=binding.unit,
        psn_type=psn_type,
        person__name=name,
        **{f"person__{k}": v for k, v in person.items()},
    ).person


def filing(binding: Binding, person: Person, **values: Any) -> Filing:
    """A filing version as the filing services leave it (with its own application)."""
    n = next(_numbers)
    application = Application.objects.create(
        number=f"TEST{n:08d}", type_code="filing-referral", unit=binding.unit,
        division_id=binding.unit.division_id, status="approved",
    )  # fmt: skip
    fields: dict[str, Any] = {
        "number": f"BA20250101{n:08d}", "kind": Filing.Kind.REFERRAL, "insutype": "310",
        "insured_division_id": binding.unit.division_id, "care_division_id": SHENZHEN,
        "address": "深圳市南山区科技园1号", "phone": "13912345678", "start_date": datetime.date(2025, 3, 1),
        "end_date": datetime.date(2025, 8, 31), "status": Filing.Status.FILED, **values,
    }  # fmt: skip
    return Filing.objects.create(person=person, unit=binding.unit, application=application, **fields)


def numbers(soup: Any) -> list[str]:
    return [r[0] for r in rows(soup)]


def exported(client: Client, query: dict[str, Any] | None = None) -> list[list[Any]]:
    """导出 of the query, then 下载: the sheet."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(export_file(client, reverse(EXPORT), query)))
    return book.get_sheet_by_name("异地就医备案信息").to_python()


def export_button_action(soup: Any) -> str:
    button = soup.find("button", string="导出")
    return str(button.find_parent("form")["action"])


# --- the list -----------------------------------------------------------------------------------


def test_the_query_lists_the_units_filings_masked_and_nothing_of_other_units(client: Client) -> None:
    binding = operator()
    person = insured(binding, "李雷")
    mine = filing(binding, person)
    long_term = filing(
        binding, person, kind=Filing.Kind.RETIREE, care_division_id=BEIJING, phone="0755-26012345",
        start_date=datetime.date(2024, 1, 1), end_date=None, status=Filing.Status.CHANGED,
    )  # fmt: skip
    other = operator()
    filing(other, insured(other, "外单位人员"), number="BA-OTHER-UNIT")
    filing(other, person, number="BA-SAME-PERSON-ELSE")  # the same person filed by another unit
    login(client, binding)
    soup = check_page(client.get(reverse(URL)))
    assert rows(soup) == [
        [long_term.number, "李雷", mask_id_number(person.cert_no), "异地安置退休人员", "北京市",
         "2024-01-01", "长期有效", "已变更"],
        [mine.number, "李雷", mask_id_number(person.cert_no), "异地转诊人员", "广东省深圳市",
         "2025-03-01", "2025-08-31", "已备案"],
    ]  # fmt: skip
    text = soup.get_text()
    assert "共 2 条" in text and "外单位人员" not in text and "BA-SAME-PERSON" not in text
    assert person.cert_no not in text and "13912345678" not in text
    assert export_button_action(soup) == reverse(EXPORT)
    sheet = exported(client)
    assert [row[1] for row in sheet[1:]] == [long_term.number, mine.number]
    assert [(row[3], row[8]) for row in sheet[1:]] == [
        (mask_id_number(person.cert_no), mask_phone("0755-26012345")),
        (mask_id_number(person.cert_no), "139****5678"),
    ]


def test_a_filing_filed_through_the_services_is_listed(client: Client) -> None:
    binding = filing_binding()
    grant(binding, "remote-care-filings")
    person = insured_now(binding)
    application = filed(binding, person, "referral")
    login(client, binding)
    [row] = rows(check_page(client.get(reverse(URL))))
    record = Filing.objects.get(application=application)
    assert row[0] == record.number and row[3] == "异地转诊人员" and row[4] == "广东省深圳市"
    assert row[-1] == "已备案"


def test_the_managed_population_narrows_the_list(client: Client) -> None:
    binding = operator(populations=("in-service",))
    working = insured(binding, "在职甲")
    retired = insured(binding, "退休乙", psn_type="1201")
    filing(binding, working, number="BA-WORKING")
    filing(binding, retired, number="BA-RETIRED", kind=Filing.Kind.RETIREE, end_date=None)
    login(client, binding)
    assert numbers(check_page(client.get(reverse(URL)))) == ["BA-WORKING"]
    # an id of a person outside the population, typed into the address, finds nothing
    assert numbers(check_page(client.get(reverse(URL), {"psn": str(retired.pk)}))) == []
    assert exported(client)[1][1] == "BA-WORKING"
    assert len(exported(client)) == 2


def test_a_person_of_another_granted_population_is_said_so_with_the_switch(client: Client) -> None:
    binding = operator(populations=("in-service", "retired"))
    retired = insured(binding, "退休乙", psn_type="1201")
    filing(binding, retired, number="BA-RETIRED", kind=Filing.Kind.RETIREE, end_date=None)
    login(client, binding)
    data = {"cert_no": retired.cert_no}
    soup = check_page(client.post(reverse(URL), data), echoed=(retired.cert_no,))
    assert "该人员不在您当前的管理人群（在职职工）内，属于您可办理的「退休人员」" in soup.get_text()
    assert soup.find("input", attrs={"name": "cert_no"})["value"] == retired.cert_no  # kept as typed
    button = soup.find("button", attrs={"name": "population"})
    assert button["value"] == "retired" and button.find_parent("form") is soup.select_one("form.filing-query")
    response = client.post(reverse(URL), {**data, "population": "retired"})
    assert response.status_code == 302 and retired.cert_no not in response["Location"]
    soup = check_page(client.get(response["Location"]))
    assert numbers(soup) == ["BA-RETIRED"] and "已切换管理人群为「退休人员」" in soup.get_text()


# --- filters ------------------------------------------------------------------------------------


@pytest.fixture
def three(client: Client) -> tuple[Binding, Person, Person]:
    binding = operator(populations=())
    han = insured(binding, "韩梅梅")
    lin = insured(binding, "林涛")
    filing(
        binding,
        han,
        number="BA-A",
        start_date=datetime.date(2024, 5, 1),
        end_date=datetime.date(2024, 10, 31),
    )
    filing(
        binding, han, number="BA-B", kind=Filing.Kind.RESIDENCE, care_division_id=GUANGZHOU,
        start_date=datetime.date(2025, 2, 1), end_date=None, status=Filing.Status.APPLYING,
    )  # fmt: skip
    filing(
        binding, lin, number="BA-C", kind=Filing.Kind.POSTED, care_division_id=BEIJING,
        start_date=datetime.date(2025, 6, 1), end_date=None, status=Filing.Status.CANCELLED,
    )  # fmt: skip
    login(client, binding)
    return binding, han, lin


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["BA-C", "BA-B", "BA-A"]),
        ({"name": "林涛"}, ["BA-C"]),
        ({"kind": "long-term-residence"}, ["BA-B"]),
        ({"status": "applying"}, ["BA-B"]),
        ({"status": "cancelled"}, ["BA-C"]),
        ({"care_division_0": "440000"}, ["BA-B", "BA-A"]),  # a province: its cities
        ({"care_division_0": "440000", "care_division_1": GUANGZHOU}, ["BA-B"]),
        ({"care_division_0": "110000"}, ["BA-C"]),  # 北京市
        ({"start": "2025-01-01"}, ["BA-C", "BA-B"]),
        ({"start": "2025-01-01", "end": "2025-03-31"}, ["BA-B"]),
        ({"end": "2024-12-31"}, ["BA-A"]),
        ({"name": "韩梅梅", "status": "filed"}, ["BA-A"]),
    ],
)
def test_each_filter_narrows_the_list(
    client: Client, three: Any, query: dict[str, str], expected: list[str]
) -> None:
    assert numbers(check_page(client.get(reverse(URL), query))) == expected
    sheet = exported(client, query)
    assert [row[1] for row in sheet[1:]] == expected


def test_a_posted_query_is_redirected_to_its_query_string(client: Client, three: Any) -> None:
    response = client.post(
        reverse(URL),
        {"name": " 韩梅梅 ", "kind": "", "care_division_0": "440000", "care_division_1": GUANGZHOU,
         "status": "applying", "start": "2025-01-01", "end": ""},
    )  # fmt: skip
    assert response.status_code == 302
    location = response["Location"]
    assert location == (
        f"{reverse(URL)}?name=%E9%9F%A9%E6%A2%85%E6%A2%85&care_division_0=440000"
        f"&care_division_1={GUANGZHOU}&status=applying&start=2025-01-01"
    )
    soup = check_page(client.get(location))
    assert numbers(soup) == ["BA-B"]
    # the form shows the query it answers
    assert soup.find("input", attrs={"name": "name"})["value"] == "韩梅梅"
    assert soup.select_one("#id_care_division_1 option[selected]")["value"] == GUANGZHOU
    assert soup.select_one("#id_status option[selected]")["value"] == "applying"
    assert export_button_action(soup) == reverse(EXPORT) + location[len(reverse(URL)) :]
    assert client.post(reverse(URL), {}).headers["Location"] == reverse(URL)


def test_the_cert_no_is_posted_audited_and_kept_out_of_addresses(client: Client, three: Any) -> None:
    binding, han, lin = three
    response = client.post(reverse(URL), {"cert_no": han.cert_no.lower(), "status": "filed"})
    assert response.status_code == 302 and han.cert_no not in response["Location"].upper()
    soup = check_page(client.get(response["Location"]))
    assert numbers(soup) == ["BA-A"] and "当前结果按证件号码筛选" in soup.get_text()
    assert soup.find("input", attrs={"name": "cert_no"}).get("value") is None  # not sent back
    cancel = soup.find("a", string="取消证件号码筛选")
    assert numbers(check_page(client.get(reverse(URL) + str(cancel["href"])))) == ["BA-A"]  # status kept
    event = AuditEvent.objects.get(action=PERSON_VIEWED)
    assert (event.actor_id, event.unit_id, event.object_id, event.after) == (
        binding.operator.user_id, binding.unit_id, str(han.pk), {"item": "remote-care-filings"},
    )  # fmt: skip
    # the number in the address is never used; a number of nobody in the unit finds nothing
    assert numbers(check_page(client.get(reverse(URL), {"cert_no": lin.cert_no, "status": ""}))) == [
        "BA-C", "BA-B", "BA-A",
    ]  # fmt: skip
    stranger = InsuranceFactory.create(person__name="外单位").person
    response = client.post(reverse(URL), {"cert_no": stranger.cert_no})
    soup = check_page(client.get(response["Location"]))
    assert rows(soup) == [] and "未查询到符合条件的异地就医备案信息" in soup.get_text()
    assert AuditEvent.objects.filter(action=PERSON_VIEWED).count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "moon"}, "请选择列表中的备案类型"),
        ({"status": "lost"}, "请选择列表中的备案状态"),
        ({"start": "2025-13-01"}, "开始日期起格式不正确"),
        ({"start": "2025-02-01", "end": "2025-01-01"}, "结束日期不能早于开始日期"),
        ({"care_division_0": "990000"}, "所选区域不存在，请重新选择"),
        ({"care_division_0": "440000", "care_division_1": BEIJING}, "所选区域不存在，请重新选择"),
        ({"name": "长" * 51}, "姓名不能超过50个字"),
        ({"cert_no": "1" * 31}, "证件号码不能超过30个字符"),
    ],
)
def test_bad_filters_give_a_chinese_error_and_keep_the_input(
    client: Client, three: Any, data: dict[str, str], message: str
) -> None:
    posted = {"name": "韩梅梅", "cert_no": "110101199003070011", **data}
    soup = check_page(client.post(reverse(URL), posted), echoed=tuple(posted.values()))
    assert message in soup.get_text() and rows(soup) == []
    assert soup.find("input", attrs={"name": "cert_no"})["value"] == posted["cert_no"]
    assert soup.find("input", attrs={"name": "name"})["value"] == posted["name"]
    if "cert_no" not in data:  # the same filters in an address (where a 证件号码 is never read)
        query = {k: v for k, v in posted.items() if k != "cert_no"}
        soup = check_page(client.get(reverse(URL), query), echoed=tuple(query.values()))
        assert message in soup.get_text() and rows(soup) == []
        assert client.post(f"{reverse(EXPORT)}?{urlencode(query)}").status_code == 400
    assert not AuditEvent.objects.filter(action__in=[PERSON_VIEWED, FILINGS_EXPORTED]).exists()


@pytest.mark.parametrize("psn", ["1;drop", "9" * 20])
def test_a_hand_made_person_filter_is_refused(client: Client, three: Any, psn: str) -> None:
    soup = check_page(client.get(reverse(URL), {"psn": psn}), echoed=(psn,))
    assert "查询条件无效" in soup.get_text() and rows(soup) == []
    assert client.post(f"{reverse(EXPORT)}?psn={psn}").status_code == 400


def test_the_region_pickers_choose_button_redisplays_without_querying(client: Client, three: Any) -> None:
    data = {"cert_no": "110101199003070011", "care_division_0": "440000", "_region_refresh": "care_division"}
    soup = check_page(client.post(reverse(URL), data), echoed=(data["cert_no"],))
    cities = [o["value"] for o in soup.select("#id_care_division_1 option") if o["value"]]
    assert GUANGZHOU in cities and SHENZHEN in cities
    assert soup.find("input", attrs={"name": "cert_no"})["value"] == data["cert_no"]
    assert not soup.select(".field__error") and not AuditEvent.objects.filter(action=PERSON_VIEWED).exists()


# --- paging and masking -------------------------------------------------------------------------


def test_the_list_pages_with_a_bounded_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    binding = operator(populations=("in-service",))
    people = [insured(binding, f"职工{i}") for i in range(25)]
    made = [filing(binding, p, number=f"BA-{i:03d}") for i, p in enumerate(people)]
    login(client, binding)
    pages = []
    for page in ("1", "2"):
        with django_assert_max_num_queries(20):  # 2 of them the list's; the rest the hall's
            soup = check_page(client.get(reverse(URL), {"page": page}))
        pages.append(numbers(soup))
    assert pages == [[f.number for f in made[::-1][:20]], [f.number for f in made[::-1][20:]]]
    assert "第 2 页，共 2 页" in soup.get_text() and "共 25 条" in soup.get_text()
    link = soup.find("a", string="上一页")
    assert link["href"] == "?page=1"


def test_full_identity_grant_shows_numbers_in_full(client: Client) -> None:
    binding = operator()
    person = insured(binding, "钱多")
    filing(binding, person, number="BA-FULL", phone="13800001111")
    login(client, binding)
    Binding.objects.filter(pk=binding.pk).update(full_identity=True)
    soup = check_page(client.get(reverse(URL)), shown=(person.cert_no,))
    assert rows(soup)[0][2] == person.cert_no
    sheet = exported(client)
    assert (sheet[1][3], sheet[1][8]) == (person.cert_no, "13800001111")
    job = ExportJob.objects.get()
    assert AuditEvent.objects.get(action=FILINGS_EXPORTED).after == {
        "filters": {}, "full_identity": True, "job": job.pk, "rows": 1,
    }  # fmt: skip


# --- the export ---------------------------------------------------------------------------------


def test_the_export_holds_every_field_masked_neutralised_and_is_audited(client: Client) -> None:
    binding = operator()
    person = insured(binding, "=HYPERLINK(1)")
    referral = filing(
        binding, person, number="BA-REF", address="@SUM(A1)", out_hospital="昆明医科大学第一附属医院",
        in_hospital="北京协和医院", network="2",
        filed_at=datetime.datetime(2025, 3, 2, 9, 30, tzinfo=timezone.get_current_timezone()),
    )  # fmt: skip
    filing(
        binding, person, number="BA-RET", kind=Filing.Kind.RETIREE, end_date=None, start_date=datetime.date(2024, 1, 1),
        status=Filing.Status.CANCELLED, ended_on=datetime.date(2025, 1, 31),
    )  # fmt: skip
    login(client, binding)
    sheet = exported(client, {"status": ""})
    assert sheet[0] == [
        "序号", "备案编号", "姓名", "证件号码", "备案类型", "险种类型", "就医地", "居外地址", "联系电话",
        "异地联网方式", "开始日期", "结束日期", "备案状态", "转出医院", "转入医院", "备案时间", "终止日期", "办件编号",
    ]  # fmt: skip
    assert sheet[1:] == [
        [1.0, "BA-RET", "'=HYPERLINK(1)", mask_id_number(person.cert_no), "异地安置退休人员", "职工基本医疗保险",
         "广东省深圳市", "深圳市南山区科技园1号", "139****5678", "联网直接结算", "2024-01-01", "长期有效", "已取消",
         "", "", "", "2025-01-31", Filing.objects.get(number="BA-RET").application.number],
        [2.0, "BA-REF", "'=HYPERLINK(1)", mask_id_number(person.cert_no), "异地转诊人员", "职工基本医疗保险",
         "广东省深圳市", "'@SUM(A1)", "139****5678", "回参保地手工报销", "2025-03-01", "2025-08-31", "已备案",
         "昆明医科大学第一附属医院", "北京协和医院", "2025-03-02 09:30", "", referral.application.number],
    ]  # fmt: skip
    event = AuditEvent.objects.get(action=FILINGS_EXPORTED)
    assert (event.actor_id, event.unit_id, event.after) == (
        binding.operator.user_id, binding.unit_id,
        {"filters": {}, "full_identity": False, "job": ExportJob.objects.get().pk, "rows": 2},
    )  # fmt: skip


def test_the_export_walks_the_query_in_chunks(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from yibao.queries import filing_query

    monkeypatch.setattr(filing_query, "EXPORT_CHUNK", 2)
    binding = operator()
    person = insured(binding, "分批")
    made = [filing(binding, person, number=f"BA-{i}") for i in range(5)]
    filing(operator(), person, number="BA-ELSEWHERE")
    login(client, binding)
    sheet = exported(client)
    assert [row[1] for row in sheet[1:]] == [f.number for f in reversed(made)]


def test_a_too_large_export_fails_with_a_message(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from yibao.core.spreadsheets.streaming import XlsxStreamError
    from yibao.queries import export_kinds

    binding = operator()
    filing(binding, insured(binding, "甲"))
    login(client, binding)

    def too_large(output: Any, sheets: Any) -> None:
        raise XlsxStreamError("more than the rows a sheet can hold")

    monkeypatch.setattr(export_kinds, "write_xlsx", too_large)
    soup = export_post(client, reverse(EXPORT), {"status": "filed"})
    assert "导出的备案超过Excel单个工作表的上限" in soup.get_text() and download_links(soup) == []
    assert ExportJob.objects.get().status == ExportJob.Status.FAILED
    assert not AuditEvent.objects.filter(action=FILINGS_EXPORTED).exists()


# --- 个人参保信息查询 ---------------------------------------------------------------------------


def test_person_insurance_info_shows_the_current_filing(client: Client) -> None:
    binding = operator()
    person = insured(binding, "韩梅梅")
    today = timezone.localdate()
    filing(binding, person, number="BA-OLD", end_date=today - datetime.timedelta(days=1),
           start_date=today - datetime.timedelta(days=60))  # fmt: skip
    filing(binding, person, number="BA-CANCELLED", kind=Filing.Kind.RESIDENCE, end_date=None,
           status=Filing.Status.CANCELLED)  # fmt: skip
    other = operator()
    filing(other, person, number="BA-OTHER-UNIT", start_date=today, end_date=None, kind=Filing.Kind.RESIDENCE)
    login(client, binding)
    data = {"cert_type": "01", "cert_no": person.cert_no}
    soup = check_page(client.post(reverse("queries:person-insurance-info"), data))
    assert soup.select(".person-filing-table") == []  # no filing in force here
    current = filing(
        binding, person, number="BA-NOW", kind=Filing.Kind.RESIDENCE, care_division_id=GUANGZHOU,
        start_date=today, end_date=None,
    )  # fmt: skip
    soup = check_page(client.post(reverse("queries:person-insurance-info"), data))
    table = soup.select_one(".person-filing-table")
    assert [
        [c.get_text(strip=True) for c in tr.find_all(["th", "td"])] for tr in table.select("tbody tr")
    ] == [["异地长期居住人员", "广东省广州市", today.isoformat(), "长期有效", "已备案", current.number]]
    # the basic page does not list it
    basic = check_page(client.post(reverse("queries:person-basic-info"), data))
    assert basic.select(".person-filing-table") == []


def test_current_filings_put_the_filed_one_before_one_under_review() -> None:
    binding = operator()
    person = insured(binding, "甲")
    today = timezone.localdate()
    applying = filing(binding, person, number="BA-APPLYING", start_date=today - datetime.timedelta(days=9),
                      status=Filing.Status.APPLYING, end_date=None)  # fmt: skip
    filed_one = filing(binding, person, number="BA-FILED", start_date=today, end_date=today)
    filing(binding, person, number="BA-REFUSED", status=Filing.Status.REFUSED, end_date=None)
    assert person_current_filings(binding.unit_id, person.pk, today) == [filed_one, applying]
    assert person_current_filings(binding.unit_id, person.pk, today + datetime.timedelta(days=1)) == [
        applying
    ]


def test_unit_filings_scope_and_filters() -> None:
    binding = operator()
    person = insured(binding, "甲", psn_type="1201")
    mine = filing(binding, person)
    filing(operator(), person)
    assert list(unit_filings(PersonScope(unit=binding.unit))) == [mine]
    assert list(unit_filings(PersonScope(unit=binding.unit, psn_types=("1101",)))) == []
    assert list(unit_filings(PersonScope(unit=binding.unit), FilingFilters(person_ids=()))) == []
    assert list(unit_filings(PersonScope(unit=binding.unit), FilingFilters(care_division="440000"))) == [mine]
    assert list(unit_filings(PersonScope(unit=binding.unit), FilingFilters(care_division="440100"))) == []
