"""管理人群 narrows every handling page, service and worker, not only the queries: an operator
working in 退休人员 finds, changes, interrupts and enrolls only retirees."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from yibao.cases.models import Application
from yibao.changes.person_types import EMPLOYEE_INFO_CHANGE
from yibao.changes.services import info_change_draft_save
from yibao.core.errors import ApplicationError
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, grant, operator_login
from yibao.enrollment.batch import batch_validate
from yibao.enrollment.interruption import interruption_check
from yibao.enrollment.scope import OUTSIDE_POPULATION, PersonScope
from yibao.enrollment.tests.test_batch import TODAY, sheet_row
from yibao.operators.models import Binding

pytestmark = pytest.mark.django_db
ITEMS = ("employee-info-change", "employee-interruption", "employee-enrollment")
RETIREES = ("1201", "1202", "1260")


@pytest.fixture
def binding(client: Client) -> Binding:
    """An operator granted the handling items for the 退休人员 population only."""
    return operator_login(client, grant(BindingFactory.create(), *ITEMS, populations=("retired",)))


@pytest.fixture
def worker(binding: Binding) -> Any:
    return InsuranceFactory.create(unit=binding.unit, insutype="310", psn_type="1101").person


@pytest.fixture
def retiree(binding: Binding) -> Any:
    return InsuranceFactory.create(unit=binding.unit, insutype="310", psn_type="1201").person


def test_the_change_pages_do_not_find_an_in_service_employee(
    client: Client, binding: Binding, worker: Any, retiree: Any
) -> None:
    search = client.post(reverse("changes:employee-info-change"), {"cert_no": worker.cert_no})
    assert search.status_code == 200 and "未查询到" in search.content.decode()
    assert client.get(reverse("changes:employee-info-change-person", args=[worker.pk])).status_code == 404
    found = client.post(reverse("changes:employee-info-change"), {"cert_no": retiree.cert_no})
    assert found.status_code == 302


def test_the_change_service_refuses_a_person_outside_the_scope(binding: Binding, worker: Any) -> None:
    scope = PersonScope(unit=binding.unit, psn_types=RETIREES)
    with pytest.raises(ApplicationError) as refused:
        info_change_draft_save(
            kind=EMPLOYEE_INFO_CHANGE, unit=binding.unit, actor=binding.operator.user, scope=scope,
            subject={"person": str(worker.pk)}, values={"mobile": "13900001111"},
        )  # fmt: skip
    assert refused.value.message == "未查询到该人员在本单位的参保信息"
    assert not Application.objects.exists()


def test_the_interruption_list_and_check_see_only_the_population(
    client: Client, binding: Binding, worker: Any, retiree: Any
) -> None:
    page = BeautifulSoup(client.get(reverse("enrollment:interruption")).content, "html.parser")
    listed = {box["value"] for box in page.select('input[name="persons"]')}
    assert listed == {str(retiree.pk)}
    with pytest.raises(ApplicationError):
        interruption_check(
            scope=PersonScope(unit=binding.unit, psn_types=RETIREES), person_ids=[worker.pk],
            pause_date=TODAY, today=TODAY, check_window=False,
        )  # fmt: skip


def test_batch_rows_outside_the_population_fail(binding: Binding) -> None:
    from yibao.enrollment.tests.test_batch import cert

    scope = PersonScope(unit=binding.unit, psn_types=RETIREES)
    result = batch_validate(
        unit=binding.unit, rows=[sheet_row(2, cert(501), psn_type="1101")], today=TODAY, scope=scope
    )
    assert [p.message for p in result.failed[0].problems] == [OUTSIDE_POPULATION]
