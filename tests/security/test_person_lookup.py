"""单个人员参保登记 looks a person up by 证件号码: a person of another unit reveals nothing but that
the number is registered; the unit confirms the person by the name it was given. Look-ups are
counted per operator and audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.pagecheck import check_page
from yibao.cases.models import Application
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, UnitFactory, grant, operator_login
from yibao.enrollment.rules import id_facts
from yibao.enrollment.tests.test_enroll_single import form_data
from yibao.operators.models import Binding

pytestmark = pytest.mark.django_db


@pytest.fixture
def binding(client: Client) -> Binding:
    return operator_login(client, grant(BindingFactory.create(), "employee-enrollment"))


@pytest.fixture
def stranger() -> Any:
    """A person insured with another unit, with a mobile and an address on record."""
    person = InsuranceFactory.create(unit=UnitFactory.create(), insutype="310").person
    facts = id_facts("01", person.cert_no)
    assert facts is not None
    person.gender, person.birth_date, person.address = facts[0], facts[1], "昆明市盘龙区北京路99号"
    person.save()
    return person


def test_another_units_employee_reveals_nothing_but_being_registered(
    client: Client, binding: Binding, stranger: Any
) -> None:
    response = client.get(reverse("enrollment:enroll"), {"cert_type": "01", "cert_no": stranger.cert_no})
    page = check_page(response, echoed=(stranger.cert_no,))
    text = response.content.decode()
    for secret in (stranger.name, stranger.mobile, stranger.address):
        assert secret not in text
    assert "其他单位登记的信息不予显示" in page.get_text()
    event = AuditEvent.objects.get(action="person_lookup")
    assert event.after["of_unit"] is False and event.after["found"] is True
    assert stranger.cert_no not in str(event.after)


def test_the_unit_confirms_the_person_by_name_only(client: Client, binding: Binding, stranger: Any) -> None:
    base = form_data(
        cert_no=stranger.cert_no, gender=stranger.gender, birth_date=stranger.birth_date.isoformat()
    )
    wrong = client.post(reverse("enrollment:enroll"), {**base, "name": "张冒名"})
    summary = (
        check_page(wrong, echoed=(stranger.cert_no, "13812345678")).select_one(".error-summary").get_text()
    )
    assert "姓名与该证件号码在医保系统登记的姓名不一致" in summary
    assert not Application.objects.exists()


def test_look_ups_are_limited_per_operator(
    client: Client, binding: Binding, stranger: Any, settings: Any
) -> None:
    settings.YIBAO_PERSON_LOOKUPS_PER_OPERATOR = 3
    for _ in range(3):
        client.get(reverse("enrollment:enroll"), {"cert_type": "01", "cert_no": stranger.cert_no})
    refused = client.get(reverse("enrollment:enroll"), {"cert_type": "01", "cert_no": stranger.cert_no})
    assert "证件号码查询过于频繁，请10分钟后再试" in refused.content.decode()
    assert AuditEvent.objects.filter(action="person_lookup_refused").count() == 1
