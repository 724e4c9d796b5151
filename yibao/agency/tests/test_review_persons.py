"""The review page of a batch application lists its persons, a page at a time, with a search: the
reviewer no longer approves a «登记人数 130» blind."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from tests.pagecheck import check_page, visible_text
from yibao.agency.tests.helpers import reviewer, submitted_key_change
from yibao.cases import services
from yibao.cases.models import Application
from yibao.cases.tests.batches import batch_application, person_cert_no, person_name
from yibao.core.tests.factories import BindingFactory, grant, staff_login
from yibao.core.uploads import upload_check
from yibao.enrollment.models import BatchImport
from yibao.units.tests.helpers import png_bytes

pytestmark = pytest.mark.django_db


def submitted_batch(persons: int) -> Application:
    binding = grant(BindingFactory.create(), "employee-enrollment")
    user = binding.operator.user
    application = batch_application(binding, persons, name="新员工.xlsx")
    services.application_print_mark(application=application, actor=user)
    services.material_upload(application=application, code="stamped-form",
                             upload=upload_check(io.BytesIO(png_bytes())), original_name="盖章.png", actor=user)  # fmt: skip
    return services.application_submit(application=application, actor=user)


@pytest.fixture
def shenhe(client: Client) -> Any:
    user = reviewer()
    staff_login(client, user)
    return user


def url(application: Application, query: str = "") -> str:
    return f"/agency/applications/{application.pk}/" + (f"?{query}" if query else "")


def persons(soup: Any) -> list[list[str]]:
    return [[visible_text(td) for td in tr.select("td")] for tr in soup.select(".agency-persons tbody tr")]


def masked(cert_no: str) -> str:
    return f"{cert_no[:4]}{'*' * 10}{cert_no[-4:]}"


def test_the_batch_is_named_and_its_persons_are_listed_page_by_page(client: Client, shenhe: Any) -> None:
    application = submitted_batch(45)
    batch = BatchImport.objects.get(application=application)
    soup = check_page(client.get(url(application)))
    content = {visible_text(tr.th): visible_text(tr.td) for tr in soup.select(".agency-compare tbody tr")}
    assert content == {"批次号": f"{batch.number}（新员工.xlsx）", "登记人数": "45"}
    assert "申请变更为" not in visible_text(soup.select_one(".agency-compare"))  # a batch changes no record
    assert "共 45 人" in visible_text(soup.select_one("#persons"))
    rows = persons(soup)
    assert len(rows) == 20
    assert rows[0] == ["2", person_name(0), "居民身份证(户口簿)", masked(person_cert_no(0)), "男", "职工在职",
                       "合同制", "职工基本医疗保险、大额医疗费用补助、生育保险", rows[0][8], "6000.00"]  # fmt: skip
    assert "第 1 页，共 3 页" in visible_text(soup.select_one(".pagination"))
    last = persons(check_page(client.get(url(application, "page=3"))))
    assert [row[0] for row in last] == [str(n + 2) for n in range(40, 45)]


def test_persons_are_found_by_name_or_the_end_of_the_id_number(client: Client, shenhe: Any) -> None:
    application = submitted_batch(30)
    by_name = persons(check_page(client.get(url(application, f"q={person_name(17)}"))))
    assert [row[1] for row in by_name] == [person_name(17)]
    tail = person_cert_no(23)[-4:]
    by_number = persons(check_page(client.get(url(application, f"q={tail}"))))
    assert person_name(23) in [row[1] for row in by_number]
    assert all(row[3].endswith(tail) for row in by_number)


def test_a_whole_id_number_is_refused(client: Client, shenhe: Any) -> None:
    application = submitted_batch(3)
    whole = person_cert_no(1)
    soup = check_page(client.get(url(application, f"q={whole}")), echoed=(whole,))
    assert "按证件号码查找时，请只输入证件号码的后4位" in visible_text(soup.select_one(".error-summary"))
    assert len(persons(soup)) == 3  # the whole list, not a match on the number


def test_the_list_costs_the_same_queries_for_a_large_batch(
    client: Client, shenhe: Any, django_assert_max_num_queries: Any
) -> None:
    small, large = submitted_batch(5), submitted_batch(2_000)
    client.get(url(small))  # warm the session and caches
    with django_assert_max_num_queries(60) as few:
        client.get(url(small))
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        soup = check_page(client.get(url(large, "page=50")))
    assert len(many.captured_queries) == len(few.captured_queries)
    assert [row[0] for row in persons(soup)] == [str(n + 2) for n in range(980, 1000)]


def test_a_change_keeps_its_side_by_side_comparison(client: Client, shenhe: Any) -> None:
    soup = check_page(client.get(url(submitted_key_change())))
    assert "申请变更为" in visible_text(soup.select_one(".agency-compare"))
    assert soup.select_one("#persons") is None
