"""A 中断参保 dated later than its approval takes effect on its date (issue 20, item 10): until
then the person is 正常参保 everywhere (queries, counts, certificates); from the date every reader
says 暂停参保 even before the job has stored it; the job is idempotent."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.backends.dummy import DummyBackend

from yibao.cases import services
from yibao.cases.models import Application
from yibao.certificates.selectors import person_certificate_content, unit_certificate_content
from yibao.core.errors import ApplicationError
from yibao.core.tests.factories import (
    BindingFactory,
    InsuranceFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
    grant,
)
from yibao.core.uploads import upload_check
from yibao.enrollment import interruption as interruption_module
from yibao.enrollment.interruption import employee_interruption_draft_save
from yibao.enrollment.interruption_types import EMPLOYEE_INTERRUPTION
from yibao.enrollment.models import Insurance, Person
from yibao.enrollment.rules import records_for
from yibao.enrollment.scope import PersonScope
from yibao.enrollment.standing import insurance_pauses_run, pauses_due_apply
from yibao.operators.models import Binding
from yibao.queries.roster import RosterFilters, roster_person_ids, roster_rows
from yibao.queries.selectors import person_insurance_rows, unit_insurance_rows
from yibao.units.tests.helpers import png_bytes

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LATER = TODAY + datetime.timedelta(days=11)


@pytest.fixture(autouse=True)
def window(monkeypatch: pytest.MonkeyPatch) -> None:
    """A window that reaches LATER whatever the day of the month the suite runs on."""
    monkeypatch.setattr(
        interruption_module, "interruption_window", lambda today: (today, today + datetime.timedelta(days=30))
    )


@pytest.fixture
def binding() -> Binding:
    return grant(BindingFactory.create(), "employee-interruption")


def on(monkeypatch: pytest.MonkeyPatch, day: datetime.date) -> None:
    """Move the local date every reader asks for."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def approved_interruption(binding: Binding, person: Person, day: datetime.date) -> Application:
    user = binding.operator.user
    application = employee_interruption_draft_save(
        kind=EMPLOYEE_INTERRUPTION, scope=PersonScope(unit=binding.unit), actor=user,
        person_ids=[person.pk], reason="02", pause_date=day,
    )  # fmt: skip
    services.application_print_mark(application=application, actor=user)
    services.material_upload(application=application, code="stamped-form",
                             upload=upload_check(io.BytesIO(png_bytes())), original_name="s.png", actor=user)  # fmt: skip
    services.application_submit(application=application, actor=user)
    reviewer = UserFactory.create(is_staff=True, is_superuser=True)
    services.application_claim(application=application, reviewer=reviewer)
    services.application_approve(application=application, reviewer=reviewer, opinion="同意")
    return application


def employees(binding: Binding, count: int) -> list[Person]:
    persons = [PersonFactory.create(name=f"职工{n}") for n in range(count)]
    for person in persons:
        InsuranceFactory.create(person=person, unit=binding.unit, insutype="310")
    return persons


def readers(binding: Binding, person: Person, day: datetime.date) -> dict[str, Any]:
    unit = binding.unit
    row = unit_insurance_rows(unit, today=day)[0]
    ids = list(roster_person_ids(unit=unit, psn_types=None, filters=RosterFilters(status="2")))
    return {
        "unit": (row.status_label, row.active_persons),
        "unit_certificate": unit_certificate_content(unit, today=day)["rows"][0]["persons"],
        "person": person_insurance_rows(unit=unit, psn_types=None, person=person)[0].status_label,
        "person_certificate": person_certificate_content(unit, person, today=day)["rows"][0]["status"],
        "roster_paused": ids,
        "roster_label": roster_rows(unit=unit, psn_types=None, person_ids=[person.pk])[0].status,
    }


def test_a_later_interruption_takes_effect_on_its_date(
    binding: Binding, monkeypatch: pytest.MonkeyPatch
) -> None:
    leaving, staying = employees(binding, 2)
    approved_interruption(binding, leaving, LATER)

    stored = Insurance.objects.get(person=leaving)
    assert (stored.status, stored.pause_date) == (Insurance.Status.ACTIVE, LATER)
    assert readers(binding, leaving, TODAY) == {
        "unit": ("参保缴费", 2),
        "unit_certificate": 2,
        "person": "正常参保",
        "person_certificate": "正常参保",
        "roster_paused": [],
        "roster_label": "正常参保",
    }

    on(monkeypatch, LATER)  # the date has come; the job has not run yet
    assert readers(binding, leaving, LATER) == {
        "unit": ("参保缴费", 1),
        "unit_certificate": 1,
        "person": "暂停参保",
        "person_certificate": "暂停参保",
        "roster_paused": [leaving.pk],
        "roster_label": "暂停参保",
    }

    assert insurance_pauses_run.call() == 1
    assert insurance_pauses_run.call() == 0  # idempotent
    assert Insurance.objects.get(person=leaving).status == Insurance.Status.PAUSED
    assert Insurance.objects.get(person=staying).status == Insurance.Status.ACTIVE
    assert readers(binding, leaving, LATER)["unit"] == ("参保缴费", 1)


def test_todays_interruption_still_pauses_at_approval(binding: Binding) -> None:
    (person,) = employees(binding, 1)
    approved_interruption(binding, person, TODAY)
    assert Insurance.objects.get(person=person).status == Insurance.Status.PAUSED


def test_a_person_with_a_pause_to_come_is_not_interrupted_again(binding: Binding) -> None:
    (person,) = employees(binding, 1)
    approved_interruption(binding, person, LATER)
    with pytest.raises(ApplicationError) as refused:
        approved_interruption(binding, person, TODAY)
    assert refused.value.message == f"{person.name}已办理中断参保（中断日期 {LATER:%Y-%m-%d}），不能重复中断"


def test_another_unit_may_enroll_the_person_once_the_date_has_come_before_the_job(
    binding: Binding, monkeypatch: pytest.MonkeyPatch
) -> None:
    (person,) = employees(binding, 1)
    approved_interruption(binding, person, LATER)
    other = UnitFactory.create()
    key = (person.cert_type, person.cert_no)
    assert records_for([key]).active == {(person.pk, "310"): binding.unit_id}
    on(monkeypatch, LATER)
    assert records_for([key]).active == {}
    # the writer stores the due pause first, so the one-active-relation index lets the new one in
    assert pauses_due_apply(today=LATER, person_ids=[person.pk]) == 1
    InsuranceFactory.create(person=person, unit=other, insutype="310")


def test_the_job_is_scheduled_for_the_date_and_the_command_catches_up(
    binding: Binding, settings: Any, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["sms", "default"]}
    }
    (person,) = employees(binding, 1)
    with django_capture_on_commit_callbacks(execute=True):
        approved_interruption(binding, person, LATER)
    backend = insurance_pauses_run.get_backend()
    assert isinstance(backend, DummyBackend)
    scheduled = [r.task.run_after for r in backend.results if r.task.name == "insurance_pauses_run"]
    assert [timezone.localtime(at).date() for at in scheduled if at is not None] == [LATER]
    # a worker killed before running it: the daily command does the same, once
    on(monkeypatch, LATER + datetime.timedelta(days=1))
    out = io.StringIO()
    call_command("insurance_pauses_apply", stdout=out)
    call_command("insurance_pauses_apply", stdout=out)
    assert out.getvalue().split() == ["暂停参保：1条参保关系", "暂停参保：0条参保关系"]
    assert Insurance.objects.get(person=person).status == Insurance.Status.PAUSED
