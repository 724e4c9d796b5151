"""单个人员参保登记 through the test client and the application machinery."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.pagecheck import check_page
from yibao.cases import services
from yibao.cases.models import Application, ReviewerRegion, Status
from yibao.core.tests.factories import (
    BindingFactory,
    InsuranceFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
    grant,
)
from yibao.demo.numbers import make_id_number
from yibao.enrollment.models import Insurance, Person, PersonnelChange
from yibao.enrollment.rules import id_facts
from yibao.operators.models import Binding
from yibao.operators.session import CURRENT_UNIT_KEY

pytestmark = pytest.mark.django_db
NEW_ID = make_id_number("530102", datetime.date(1992, 4, 9), 7)


@pytest.fixture
def binding(client: Client) -> Binding:
    binding = grant(BindingFactory.create(), "employee-enrollment")
    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit_id
    session.save()
    return binding


def form_data(**changes: object) -> dict[str, object]:
    today = timezone.localdate()
    data: dict[str, object] = {
        "_save": "1", "cert_type": "01", "cert_no": NEW_ID, "name": "赵敏", "gender": "1",
        "birth_date": "1992-04-09", "nation": "01", "nationality": "CHN", "mobile": "13812345678",
        "address": "昆明市五华区1号", "first_work_date": "2014-07-01", "psn_type": "1101", "emp_form": "1",
        "insutypes": ["310", "510"], "start_date": today.replace(day=1).isoformat(), "base": "6000",
    }  # fmt: skip
    data.update(changes)
    return data


def test_an_unknown_person_opens_every_field_with_gender_and_birth_from_the_id(
    client: Client, binding: Binding
) -> None:
    soup = check_page(
        client.get(reverse("enrollment:enroll"), {"cert_type": "01", "cert_no": NEW_ID}), echoed=(NEW_ID,)
    )
    assert soup.find("input", attrs={"name": "name"}) is not None
    assert soup.find("input", attrs={"name": "birth_date"})["value"] == "1992-04-09"
    assert soup.find("select", attrs={"name": "gender"}).find("option", selected=True)["value"] == "1"


def test_a_known_person_is_prefilled_and_their_own_fields_are_closed(
    client: Client, binding: Binding
) -> None:
    person = PersonFactory.create()  # left this unit before: its own record fills the form
    InsuranceFactory.create(
        person=person, unit=binding.unit, insutype="310", status=Insurance.Status.TERMINATED
    )
    soup = check_page(client.get(reverse("enrollment:enroll"), {"cert_type": "01", "cert_no": person.cert_no}),
                      echoed=(person.cert_no, person.mobile))  # fmt: skip
    name = soup.find("input", attrs={"name": "name"})
    assert name is not None and name.has_attr("disabled") and name["value"] == person.name
    assert "该人员已在系统中登记" in soup.get_text()


def test_saving_leads_to_the_workspace_and_approval_writes_the_records(
    client: Client, binding: Binding
) -> None:
    response = client.post(reverse("enrollment:enroll"), form_data())
    application = Application.objects.get()
    assert response["Location"] == reverse("cases:edit", args=[application.pk])
    assert application.payload["insutypes"] == ["310", "510"] and application.payload["base"] == "6000.00"
    user = binding.operator.user
    services.application_print_mark(application=application, actor=user)
    import io

    from yibao.core.uploads import upload_check
    from yibao.units.tests.helpers import png_bytes

    services.material_upload(application=application, code="stamped-form",
                             upload=upload_check(io.BytesIO(png_bytes())), original_name="s.png", actor=user)  # fmt: skip
    services.application_submit(application=application, actor=user)
    reviewer = UserFactory.create(is_staff=True, username="shenhe-enroll")
    ReviewerRegion.objects.create(reviewer=reviewer, division_id="530000")
    services.application_claim(application=application, reviewer=reviewer)
    services.application_approve(application=application, reviewer=reviewer)
    person = Person.objects.get(cert_no=NEW_ID)
    assert person.name == "赵敏" and person.psn_no.startswith("530112")
    assert set(
        Insurance.objects.filter(person=person, unit=binding.unit).values_list("insutype", flat=True)
    ) == {"310", "510"}
    change = PersonnelChange.objects.get(person=person)
    assert change.kind == "add" and change.application_id == application.pk
    assert application.events.filter(action="applied").exists()
    assert Application.objects.get(pk=application.pk).status == Status.APPROVED


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"base": "100"}, "月缴费基数：月缴费基数须在"),
        ({"start_date": "2020-01-01"}, "参保日期：参保日期须在"),
        ({"insutypes": ["390"]}, "险种："),
        ({"gender": "2"}, "性别：性别与身份证号码不一致"),
    ],
)
def test_refusals_are_shown_and_nothing_saved(
    client: Client, binding: Binding, changes: dict[str, object], message: str
) -> None:
    response = client.post(reverse("enrollment:enroll"), form_data(**changes))
    soup = check_page(response, echoed=(NEW_ID, "13812345678"))
    assert any(message in li.get_text() for li in soup.select(".error-summary li")), soup.select(
        ".error-summary li"
    )
    assert not Application.objects.exists()


def test_a_person_insured_elsewhere_or_a_minor_is_refused(client: Client, binding: Binding) -> None:
    other = InsuranceFactory.create(unit=UnitFactory.create(), insutype="310")
    facts = id_facts("01", other.person.cert_no)
    assert facts is not None
    Person.objects.filter(pk=other.person_id).update(gender=facts[0], birth_date=facts[1])
    response = client.post(
        reverse("enrollment:enroll"),
        form_data(
            cert_no=other.person.cert_no,
            name=other.person.name,
            gender=facts[0],
            birth_date=facts[1].isoformat(),
        ),
    )
    soup = check_page(response, echoed=(other.person.cert_no, other.person.mobile, "13812345678"))
    assert "该人员已在其他单位正常参保（险种310）" in soup.select_one(".error-summary").get_text()
    minor = make_id_number("530102", timezone.localdate().replace(year=timezone.localdate().year - 15), 3)
    young = id_facts("01", minor)
    assert young is not None
    response = client.post(
        reverse("enrollment:enroll"),
        form_data(cert_no=minor, gender=young[0], birth_date=young[1].isoformat()),
    )
    soup = check_page(response, echoed=(minor, "13812345678"))
    assert "未满16周岁" in soup.select_one(".error-summary").get_text()
    assert not Application.objects.exists()


def test_what_the_single_form_let_through_is_refused_at_each_field(client: Client, binding: Binding) -> None:
    """issue 20 item 3: mobile 12345, name Tom123, 新生儿 for a person born 1992 and a first work
    date in the future were all saved; every refusal now stands at its own field, what was typed
    stays, and nothing is saved."""
    future = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    response = client.post(
        reverse("enrollment:enroll"),
        form_data(mobile="12345", name="Tom123", psn_type="1401", first_work_date=future),
    )
    soup = check_page(response, echoed=(NEW_ID,))
    summary = [li.get_text() for li in soup.select(".error-summary li")]
    assert "姓名：姓名不能包含数字，请按证件上的姓名填写" in summary
    assert "手机号码：请输入正确的手机号码（以1开头的11位数字）" in summary
    assert "首次参加工作日期：首次参加工作日期不能晚于今天" in summary
    assert "人员类别：请选择列表中的人员类别（在职、退休或离休）" in summary
    assert soup.find("input", attrs={"name": "name"})["value"] == "Tom123"
    assert not Application.objects.exists()


def test_the_person_type_list_holds_the_employees_categories_and_only_310_is_ticked(
    client: Client, binding: Binding
) -> None:
    soup = check_page(
        client.get(reverse("enrollment:enroll"), {"cert_type": "01", "cert_no": NEW_ID}), echoed=(NEW_ID,)
    )
    options = [
        o["value"] for o in soup.find("select", attrs={"name": "psn_type"}).find_all("option") if o["value"]
    ]
    assert "1101" in options and "1201" in options and "1300" in options
    assert not [code for code in options if code[:2] in {"14", "15"}]  # 新生儿 … are residents'
    ticked = [
        box["value"] for box in soup.find_all("input", attrs={"name": "insutypes"}) if box.has_attr("checked")
    ]
    offered = [box["value"] for box in soup.find_all("input", attrs={"name": "insutypes"})]
    assert ticked == ["310"] and set(offered) == {"310", "330", "510"}


def test_a_newborn_category_posted_anyway_is_refused_by_the_rules(client: Client, binding: Binding) -> None:
    from yibao.enrollment.enroll_types import enrollment_problems, row_from

    row = row_from(form_data(psn_type="1401", birth_date="1992-04-09"))
    assert "人员类别：「新生儿」是城乡居民的人员类别，职工参保登记请选择在职、退休或离休的人员类别" in (
        enrollment_problems(binding.unit, row, timezone.localdate())
    )
