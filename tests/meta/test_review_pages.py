"""The reviewer's page opens for an application of every registered type (a review page that
crashed for one type left those applications undecidable)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from tests.pagecheck import check_page
from yibao.cases.models import Application, ReviewerRegion, Status
from yibao.cases.types import application_types
from yibao.core.tests.factories import (
    BindingFactory,
    InsuranceFactory,
    PersonFactory,
    UserFactory,
    staff_login,
)

pytestmark = pytest.mark.django_db


def subject_payload(subject: tuple[str, ...], unit_id: int) -> dict[str, str]:
    """The payload entries naming the application's record: a person of the unit, and a filing
    (异地就医备案) of that person in force."""
    values: dict[str, str] = {}
    for name in subject:
        assert name in ("person", "filing"), f"a new kind of subject: {name}; teach this test to make one"
        if name == "person":
            person = PersonFactory.create()
            InsuranceFactory.create(person=person, unit_id=unit_id)
            values[name] = str(person.pk)
        else:
            values[name] = str(filing_in_force_made(unit_id, int(values["person"])))
    return values


def filing_in_force_made(unit_id: int, person_id: int) -> int:
    from yibao.filings.models import Filing

    holder = Application.objects.create(
        number=f"SQ2026120499{person_id:06d}", type_code="filing-referral", unit_id=unit_id,
        division_id="530112", status=Status.APPROVED,
    )  # fmt: skip
    filing = Filing.objects.create(
        number=f"BA2026120499{person_id:06d}", kind="referral", person_id=person_id, unit_id=unit_id,
        insutype="310", insured_division_id="530112", care_division_id="440300", address="深圳市南山区1号",
        phone="13912345678", start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2026, 6, 30),
        status=Filing.Status.FILED, application=holder,
    )  # fmt: skip
    return filing.pk


@pytest.mark.parametrize("kind", application_types(), ids=lambda kind: kind.code)
def test_the_review_page_opens_for_every_application_type(client: Client, kind) -> None:
    binding = BindingFactory.create()
    reviewer = UserFactory.create(is_staff=True, username="shenhe-all")
    ReviewerRegion.objects.create(reviewer=reviewer, division_id="530000")
    payload = subject_payload(kind.subject, binding.unit_id)
    before = kind.current_values(binding.unit, payload)
    application = Application.objects.create(
        number="SQ2026120400000001", type_code=kind.code, unit=binding.unit, division_id=binding.unit.division_id,
        operator=binding.operator, payload=payload, before=before, status=Status.SUBMITTED,
    )  # fmt: skip
    staff_login(client, reviewer)
    page = check_page(client.get(f"/agency/applications/{application.pk}/"))
    assert page.h1.get_text(strip=True) == kind.name
