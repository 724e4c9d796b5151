"""职工中断参保 — 少量中断 through the application machinery: every refusal leaves the records."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone

from yibao.cases import services
from yibao.cases.models import Application, Status
from yibao.core.errors import ApplicationError
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, UserFactory, grant
from yibao.core.uploads import upload_check
from yibao.enrollment.interruption import employee_interruption_draft_save
from yibao.enrollment.interruption_types import EMPLOYEE_INTERRUPTION
from yibao.enrollment.models import Insurance, PersonnelChange
from yibao.enrollment.policies import interruption_window
from yibao.enrollment.scope import PersonScope
from yibao.operators.models import Binding
from yibao.units.tests.helpers import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def binding() -> Binding:
    return grant(BindingFactory.create(), "employee-interruption")


def today() -> datetime.date:
    return timezone.localdate()


def save(
    binding: Binding, ids: list[int], *, day: datetime.date | None = None, reason: str = "01"
) -> Application:
    return employee_interruption_draft_save(
        kind=EMPLOYEE_INTERRUPTION,
        scope=PersonScope(unit=binding.unit),
        actor=binding.operator.user,
        person_ids=ids,
        reason=reason,
        pause_date=day or today(),
    )


def statuses() -> list[tuple[int, str]]:
    return list(Insurance.objects.order_by("pk").values_list("pk", "status"))


def approve(application: Application) -> None:
    reviewer = UserFactory.create(is_staff=True, is_superuser=True)
    services.application_claim(application=application, reviewer=reviewer)
    services.application_approve(application=application, reviewer=reviewer, opinion="同意")


def test_the_window_is_this_month_by_default() -> None:
    earliest, latest = interruption_window(datetime.date(2026, 2, 14))
    assert (earliest, latest) == (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))


def test_two_persons_are_paused_on_approval_with_personnel_changes(binding: Binding) -> None:
    first = InsuranceFactory.create(unit=binding.unit)
    InsuranceFactory.create(unit=binding.unit, person=first.person, insutype="510")
    second = InsuranceFactory.create(unit=binding.unit)
    kept = InsuranceFactory.create(unit=binding.unit)
    draft = save(binding, [first.person_id, second.person_id])
    assert draft.payload["interrupted_persons"] == f"{first.person_id},{second.person_id}"
    with pytest.raises(ApplicationError, match="打印报表"):
        services.application_submit(application=draft, actor=binding.operator.user)
    services.application_print_mark(application=draft, actor=binding.operator.user)
    with pytest.raises(ApplicationError, match="职工中断参保申报表"):
        services.application_submit(application=draft, actor=binding.operator.user)
    services.material_upload(
        application=draft, code="stamped-form", upload=upload_check(io.BytesIO(png_bytes())),
        original_name="scan.png", actor=binding.operator.user,
    )  # fmt: skip
    submitted = services.application_submit(application=draft, actor=binding.operator.user)
    assert submitted.status == Status.SUBMITTED
    assert Insurance.objects.filter(status=Insurance.Status.PAUSED).count() == 0
    approve(submitted)
    paused = Insurance.objects.filter(status=Insurance.Status.PAUSED)
    assert sorted(paused.values_list("person_id", "insutype")) == sorted(
        [(first.person_id, "310"), (first.person_id, "510"), (second.person_id, "310")]
    )
    assert set(paused.values_list("pause_date", flat=True)) == {today()}
    assert Insurance.objects.get(pk=kept.pk).status == Insurance.Status.ACTIVE
    changes = PersonnelChange.objects.order_by("person_id")
    assert [(c.person_id, c.kind, c.insutypes, c.application_id) for c in changes] == [
        (first.person_id, "remove", "310,510", draft.pk),
        (second.person_id, "remove", "310", draft.pk),
    ]
    assert changes[0].detail == {"reason": "01", "reason_label": "解除劳动合同"}


def test_a_person_of_another_unit_is_refused(binding: Binding) -> None:
    mine = InsuranceFactory.create(unit=binding.unit)
    other = InsuranceFactory.create()
    before = statuses()
    with pytest.raises(ApplicationError, match="不是本单位正常参保人员"):
        save(binding, [mine.person_id, other.person_id])
    assert not Application.objects.exists() and statuses() == before


def test_a_person_not_actively_insured_is_refused(binding: Binding) -> None:
    paused = InsuranceFactory.create(unit=binding.unit, status=Insurance.Status.PAUSED)
    with pytest.raises(ApplicationError, match="不是本单位正常参保人员"):
        save(binding, [paused.person_id])
    with pytest.raises(ApplicationError, match="请勾选需要中断的人员"):
        save(binding, [])
    assert not Application.objects.exists()


def test_a_date_outside_the_window_or_before_the_start_is_refused(binding: Binding) -> None:
    insurance = InsuranceFactory.create(unit=binding.unit)
    earliest, latest = interruption_window(today())
    for day in (earliest - datetime.timedelta(days=1), latest + datetime.timedelta(days=1)):
        with pytest.raises(ApplicationError, match="中断日期须在") as caught:
            save(binding, [insurance.person_id], day=day)
        assert caught.value.field == "pause_date"
    late = InsuranceFactory.create(unit=binding.unit, start_date=latest)
    with pytest.raises(ApplicationError, match="中断日期不能早于参保日期"):
        save(binding, [late.person_id], day=earliest if earliest < latest else latest - datetime.timedelta(1))
    assert not Application.objects.exists()


def test_approval_checks_the_records_again(binding: Binding) -> None:
    insurance = InsuranceFactory.create(unit=binding.unit)
    draft = save(binding, [insurance.person_id])
    Application.objects.filter(pk=draft.pk).update(status=Status.SUBMITTED)
    Insurance.objects.filter(pk=insurance.pk).update(status=Insurance.Status.PAUSED)  # meanwhile
    draft.refresh_from_db()
    with pytest.raises(ApplicationError, match="不是本单位正常参保人员"):
        approve(draft)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED and not PersonnelChange.objects.exists()


def test_a_forged_payload_through_the_generic_service_fails_at_approval(binding: Binding) -> None:
    other = InsuranceFactory.create()
    draft = services.application_draft_save(
        kind=EMPLOYEE_INTERRUPTION, unit=binding.unit, actor=binding.operator.user,
        payload={"interrupted_persons": str(other.person_id), "interruption_reason": "05",
                 "pause_date": today().isoformat()},
    )  # fmt: skip
    Application.objects.filter(pk=draft.pk).update(status=Status.SUBMITTED)
    draft.refresh_from_db()
    with pytest.raises(ApplicationError):
        approve(draft)
    assert Insurance.objects.get(pk=other.pk).status == Insurance.Status.ACTIVE
    assert not PersonnelChange.objects.exists()
