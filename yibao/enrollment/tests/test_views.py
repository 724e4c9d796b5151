"""The enrollment pages through the test client: page checks, masking, refusals."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.pagecheck import check_page, visible_text
from yibao.cases.models import Application
from yibao.core.masking import mask_id_number
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, grant
from yibao.enrollment.models import Insurance
from yibao.operators.models import Binding
from yibao.operators.session import CURRENT_UNIT_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def binding(client: Client) -> Binding:
    binding = grant(BindingFactory.create(), "employee-interruption")
    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit_id
    session.save()
    return binding


def test_the_item_tile_leads_to_the_page(client: Client, binding: Binding) -> None:
    response = client.get(reverse("operators:item", args=["employee-interruption"]))
    assert response["Location"] == reverse("enrollment:interruption")
    check_page(client.get(response["Location"]))


def test_the_roster_masks_id_numbers_and_lists_only_active_persons_of_the_unit(
    client: Client, binding: Binding
) -> None:
    active = InsuranceFactory.create(unit=binding.unit, person__name="赵一")
    InsuranceFactory.create(unit=binding.unit, person__name="钱二", status=Insurance.Status.PAUSED)
    InsuranceFactory.create(person__name="孙三")  # another unit
    soup = check_page(client.get(reverse("enrollment:interruption")))
    text = visible_text(soup)
    assert "赵一" in text and "钱二" not in text and "孙三" not in text
    assert mask_id_number(active.person.cert_no) in text
    assert soup.find("label", string="选择 赵一") is not None


def test_search_by_id_number_finds_one_person_without_putting_it_in_the_url(
    client: Client, binding: Binding
) -> None:
    found = InsuranceFactory.create(unit=binding.unit, person__name="赵一")
    stranger = InsuranceFactory.create(person__name="孙三")
    url = reverse("enrollment:interruption")
    response = client.post(url, {"action": "search", "cert_no": found.person.cert_no})
    soup = check_page(response, echoed=(found.person.cert_no,))
    assert soup.select_one(".roster-table__found") is not None
    assert "查询结果" in visible_text(soup)
    response = client.post(url, {"action": "search", "cert_no": stranger.person.cert_no})
    text = visible_text(check_page(response, echoed=(stranger.person.cert_no,)))
    assert "未查询到该人员在本单位的参保信息" in text and "孙三" not in text


def test_next_saves_a_draft_and_opens_the_workspace(client: Client, binding: Binding) -> None:
    first = InsuranceFactory.create(unit=binding.unit, person__name="赵一")
    second = InsuranceFactory.create(unit=binding.unit, person__name="钱二")
    data = {"action": "next", "persons": [first.person_id, second.person_id], "reason": "02",
            "pause_date": timezone.localdate().isoformat()}  # fmt: skip
    response = client.post(reverse("enrollment:interruption"), data)
    application = Application.objects.get()
    assert response["Location"] == reverse("cases:edit", args=[application.pk])
    text = visible_text(check_page(client.get(response["Location"])))
    assert "赵一（" in text and "钱二（" in text and "调出" in text and "打印报表" in text
    assert "职工中断参保申报表" in text
    # the page again: the draft's persons stay ticked
    soup = check_page(client.get(reverse("enrollment:interruption")))
    assert soup.find("input", attrs={"id": f"person-{first.person_id}", "checked": True}) is not None


def test_ticks_go_along_when_the_roster_pages(client: Client, binding: Binding) -> None:
    persons = [InsuranceFactory.create(unit=binding.unit, person__name=f"职工{n}").person for n in range(25)]
    url = reverse("enrollment:interruption")
    first = check_page(client.get(url))
    assert first.find("button", string="下一页") is not None  # a button of the form, not a link
    response = client.post(url, {"goto": "2", "page": "1", "persons": [persons[0].pk], "reason": ""})
    soup = check_page(response)
    ticked = [i["id"] for i in soup.select('input[name="persons"][checked]')]
    assert ticked == [f"person-{persons[0].pk}"]
    assert "第 2 页，共 2 页" in visible_text(soup) and soup.select_one(".field__error") is None
    assert f"person-{persons[24].pk}" in {i["id"] for i in soup.select('input[name="persons"]')}
    assert not Application.objects.exists()


def test_a_forged_person_of_another_unit_is_refused_and_nothing_changes(
    client: Client, binding: Binding
) -> None:
    mine = InsuranceFactory.create(unit=binding.unit)
    other = InsuranceFactory.create(person__name="孙三")
    data = {"action": "next", "persons": [mine.person_id, other.person_id], "reason": "01",
            "pause_date": timezone.localdate().isoformat()}  # fmt: skip
    soup = check_page(client.post(reverse("enrollment:interruption"), data))
    assert "不是本单位正常参保人员" in visible_text(soup) and "孙三" not in visible_text(soup)
    assert not Application.objects.exists()
    assert set(Insurance.objects.values_list("status", flat=True)) == {Insurance.Status.ACTIVE}


def test_bad_date_and_missing_reason_are_worded_by_the_server(client: Client, binding: Binding) -> None:
    mine = InsuranceFactory.create(unit=binding.unit)
    response = client.post(
        reverse("enrollment:interruption"),
        {"action": "next", "persons": [mine.person_id], "pause_date": "2001-01-01"},
    )
    text = visible_text(check_page(response))
    assert "请选择中断原因" in text
    response = client.post(
        reverse("enrollment:interruption"),
        {"action": "next", "persons": [mine.person_id], "reason": "01", "pause_date": "2001-01-01"},
    )
    assert "中断日期须在" in visible_text(check_page(response))
    assert not Application.objects.exists()
