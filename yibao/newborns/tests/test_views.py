"""婴幼儿备案 pages through the test client: the hospital's form and list, the workspace, the
reviewer's page and decision, and who is refused (another unit's application, a unit without the
医疗机构 role, an operator without the grant)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.pagecheck import check_page
from yibao.agency.tests.helpers import reviewer
from yibao.cases.models import Application, Status
from yibao.core.masking import mask_id_number, mask_phone
from yibao.core.tests.factories import BindingFactory, UnitFactory, grant, operator_login, staff_login
from yibao.newborns.models import InfantFiling
from yibao.newborns.tests.helpers import FATHER_ID, ITEM, baby, hospital, submitted
from yibao.operators.models import Binding

pytestmark = pytest.mark.django_db
URL = "/hall/newborns/"


@pytest.fixture
def binding(client: Client) -> Binding:
    return operator_login(client, hospital())


def form_data(**changes: Any) -> dict[str, str]:
    values = baby(**changes)
    division = values.pop("division")
    return {**values, "division_0": "110000", "division_1": "110100", "division_2": division}


def test_the_tile_leads_to_the_form(client: Client, binding: Binding) -> None:
    response = client.get(f"/hall/operators/services/{ITEM}/")
    assert response.status_code == 302 and response["Location"] == URL
    page = check_page(client.get(URL))
    assert page.h1.get_text(strip=True) == "婴幼儿备案"
    labels = [label.get_text(strip=True) for label in page.select("form.newborn-form label")]
    for label in ("姓名", "性别", "出生日期", "出生医学证明编号", "身份证号", "现居住地址", "与婴幼儿关系",
                  "监护人姓名", "监护人证件类型", "监护人证件号码", "监护人联系电话"):  # fmt: skip
        assert label in labels
    assert page.find("legend", string="户籍所在地") is not None
    assert "暂无婴幼儿备案记录" in page.get_text()


def test_next_saves_the_draft_and_opens_the_workspace(client: Client, binding: Binding) -> None:
    response = client.post(URL, form_data())
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/hall/cases/{application.pk}/edit/"
    assert application.payload["division"] == "110105"
    page = check_page(client.get(response["Location"]))
    text = page.get_text()
    assert "出生医学证明" in text and "北京市朝阳区" in text and "父亲" in text
    assert mask_id_number(FATHER_ID) in text and mask_phone("13912345678") in text


def test_refused_entries_come_back_with_everything_typed(client: Client, binding: Binding) -> None:
    data = form_data(birth_cert_no="12345", guardian_relation="mother")
    page = check_page(client.post(URL, data), echoed=(data["cert_no"], FATHER_ID, "13912345678"))
    errors = [e.get_text(strip=True) for e in page.select(".error-summary__list li")]
    assert errors == [
        "出生医学证明编号：出生医学证明编号应为1位英文字母加9位数字，如 Q110123456，请核对后重新输入"
    ]
    assert page.find("input", attrs={"name": "guardian_name"})["value"] == "张伟"
    assert page.find("input", attrs={"name": "cert_no"})["value"] == data["cert_no"]
    # the rules after the fields: a 母亲 whose ID is a man's
    page = check_page(
        client.post(URL, form_data(guardian_relation="mother")),
        echoed=(data["cert_no"], FATHER_ID, "13912345678"),
    )
    assert "监护人证件号码中的性别与“母亲”不符" in page.select_one(".error-summary").get_text()
    assert not Application.objects.exists()


def test_a_duplicate_birth_certificate_is_refused_at_its_field(client: Client, binding: Binding) -> None:
    submitted(hospital(), baby())
    page = check_page(client.post(URL, form_data()), echoed=(baby()["cert_no"], FATHER_ID, "13912345678"))
    field = page.find("input", attrs={"name": "birth_cert_no"}).find_parent("div")
    assert "已办理婴幼儿备案" in field.get_text() and "不能重复备案" in field.get_text()
    assert not Application.objects.filter(unit=binding.unit).exists()


def test_the_list_shows_each_filings_status_and_the_agencys_reason(client: Client, binding: Binding) -> None:
    application = submitted(binding, baby())
    staff = reviewer("shenhe-bj", region="110000")
    from yibao.cases import services as case_services

    case_services.application_claim(application=application, reviewer=staff)
    case_services.application_reject(application=application, reviewer=staff, reason="出生医学证明不清晰")
    submitted(binding, baby(n=2, name="李小花", gender="2"))
    page = check_page(client.get(URL))
    rows = [
        tr.get_text(" ", strip=True) for tr in page.select("section[aria-labelledby=records-title] tbody tr")
    ]
    assert len(rows) == 2
    assert "李小花" in rows[0] and "申请中" in rows[0]
    assert "张小宝" in rows[1] and "不予备案" in rows[1] and "出生医学证明不清晰" in rows[1]


def test_a_returned_filing_is_corrected_without_retyping_the_numbers(
    client: Client, binding: Binding
) -> None:
    application = submitted(binding, baby())
    staff = reviewer("shenhe-bj", region="110000")
    from yibao.cases import services as case_services

    case_services.application_claim(application=application, reviewer=staff)
    case_services.application_return(application=application, reviewer=staff, opinion="请核对监护人姓名")
    page = check_page(client.get(URL))
    assert "请核对监护人姓名" in page.select_one("section[aria-labelledby=drafts-title]").get_text()
    page = check_page(client.get(f"{URL}?application={application.pk}"))
    assert not page.find("input", attrs={"name": "guardian_cert_no"}).get("value")
    assert f"当前：{mask_id_number(FATHER_ID)}" in page.get_text()
    data = form_data(guardian_name="张大伟", cert_no="", guardian_cert_no="", guardian_phone="")
    response = client.post(f"{URL}?application={application.pk}", data)
    assert response["Location"] == f"/hall/cases/{application.pk}/edit/"
    application.refresh_from_db()
    assert application.payload["guardian_name"] == "张大伟"
    assert application.payload["guardian_cert_no"] == FATHER_ID  # kept
    assert application.payload["cert_no"] == baby()["cert_no"]


def test_another_units_application_is_not_found(client: Client, binding: Binding) -> None:
    other = submitted(hospital(), baby())
    assert client.get(f"{URL}?application={other.pk}").status_code == 404
    assert client.get(f"{URL}?application=x").status_code == 404


@pytest.mark.parametrize("roles", [["insured"], ["insured", "pharmacy"]])
def test_a_unit_not_certified_medical_sees_why(client: Client, roles: list[str]) -> None:
    operator_login(client, grant(BindingFactory.create(unit=UnitFactory.create(roles=roles)), ITEM))
    page = check_page(client.get(URL), status=403)
    assert "医疗机构" in page.get_text()
    client.post(URL, form_data())
    assert not Application.objects.exists()


def test_an_operator_without_the_grant_is_refused(client: Client) -> None:
    operator_login(client, BindingFactory.create(unit=hospital().unit))
    check_page(client.get(URL), status=403)
    assert client.post(URL, form_data()).status_code == 403
    assert not Application.objects.exists()


def reviewing(client: Client) -> tuple[Application, Any]:
    application = submitted(hospital(), baby())
    staff = reviewer("shenhe-bj", region="110000")
    staff_login(client, staff)
    return application, staff


def test_the_reviewer_page_shows_the_filing_masked_with_its_material(client: Client) -> None:
    application, _staff = reviewing(client)
    page = check_page(client.get(f"/agency/applications/{application.pk}/"))
    assert page.h1.get_text(strip=True) == "婴幼儿备案"
    text = page.get_text()
    for shown in ("张小宝", mask_id_number("Q110000001"), "北京市朝阳区", "父亲", "居民身份证", mask_id_number(FATHER_ID),
                  mask_phone("13912345678"), "出生医学证明"):  # fmt: skip
        assert shown in text


@pytest.mark.parametrize(
    ("decision", "opinion", "status", "filing"),
    [
        ("approve", "", Status.APPROVED, InfantFiling.Status.FILED),
        ("return", "请补充出生医学证明背面", Status.RETURNED, InfantFiling.Status.APPLYING),
        ("reject", "非本院出生", Status.REJECTED, InfantFiling.Status.REFUSED),
    ],
)
def test_the_reviewer_decides(client: Client, decision: str, opinion: str, status: str, filing: str) -> None:
    application, _staff = reviewing(client)
    client.post(f"/agency/applications/{application.pk}/claim/")
    response = client.post(
        f"/agency/applications/{application.pk}/decide/", {"decision": decision, "opinion": opinion}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == status
    assert InfantFiling.objects.get().status == filing


def test_a_reviewer_of_another_region_does_not_find_it(client: Client) -> None:
    application = submitted(hospital(), baby())
    staff_login(client, reviewer("shenhe-yn", region="530000"))
    assert client.get(f"/agency/applications/{application.pk}/").status_code == 404
