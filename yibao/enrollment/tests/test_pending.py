"""A person in an application waiting for review cannot be filed again: validation and
submission see the unit's pending 参保登记 and 中断参保, single or batch (issue 20, item 5)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from yibao.cases import services
from yibao.cases.models import Application, Status
from yibao.core.errors import ApplicationError
from yibao.core.tests.factories import BindingFactory, grant
from yibao.core.uploads import upload_check
from yibao.enrollment.enroll_types import EMPLOYEE_ENROLLMENT
from yibao.enrollment.interruption import employee_interruption_draft_save
from yibao.enrollment.interruption_types import EMPLOYEE_INTERRUPTION
from yibao.enrollment.models import BatchImport
from yibao.enrollment.rules import id_facts
from yibao.enrollment.scope import PersonScope
from yibao.enrollment.tests import test_batch_pages as enroll_pages
from yibao.enrollment.tests import test_interruption_batch as interruption_pages
from yibao.operators.models import Binding
from yibao.operators.session import CURRENT_UNIT_KEY
from yibao.units.tests.helpers import png_bytes

pytestmark = pytest.mark.django_db

ITEMS = ("employee-enrollment", "employee-interruption")


@pytest.fixture
def binding(client: Client) -> Binding:
    binding = grant(BindingFactory.create(), *ITEMS)
    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit_id
    session.save()
    return binding


def submit(binding: Binding, application: Application) -> Application:
    user = binding.operator.user
    services.application_print_mark(application=application, actor=user)
    services.material_upload(application=application, code="stamped-form",
                             upload=upload_check(io.BytesIO(png_bytes())), original_name="s.png", actor=user)  # fmt: skip
    return services.application_submit(application=application, actor=user)


def application_of(batch: BatchImport) -> Application:
    return Application.objects.get(pk=batch.application_id or 0)


def single_payload(row: list[str]) -> dict[str, Any]:
    values = dict(zip([t.lstrip("*") for t in enroll_pages.TITLES], row, strict=True))
    facts = id_facts("01", values["证件号码"])
    assert facts is not None
    return {
        "gender": facts[0], "birth_date": facts[1].isoformat(),
        "cert_type": "01", "cert_no": values["证件号码"], "name": values["姓名"], "nation": "01",
        "nationality": "CHN", "psn_type": "1101", "emp_form": "1", "insutypes": ["310"],
        "start_date": values["参保日期"], "base": "6000.00",
    }  # fmt: skip


# --- 参保登记 ---------------------------------------------------------------------------------------


def test_the_same_batch_imported_again_fails_validation_while_the_first_waits(
    client: Client, binding: Binding, django_capture_on_commit_callbacks: Any
) -> None:
    data = enroll_pages.workbook([enroll_pages.person_row(n) for n in range(19)])
    first = enroll_pages.upload(client, data, django_capture_on_commit_callbacks)
    waiting = submit(binding, application_of(first))
    assert waiting.status == Status.SUBMITTED

    again = enroll_pages.upload(client, data, django_capture_on_commit_callbacks)

    assert (again.passed, again.failed) == (0, 19)
    errors = set(application_of(again).lines.values_list("error", flat=True))
    assert errors == {
        f"证件号码：该人员已在待审核的职工参保登记中（办件编号 {waiting.number}），审核完成前不能重复登记"
    }
    with pytest.raises(ApplicationError):
        submit(binding, application_of(again))


def test_a_batch_validated_before_a_single_enrollment_is_refused_at_submission(
    client: Client, binding: Binding, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [enroll_pages.person_row(n) for n in range(3)]
    batch = enroll_pages.upload(client, enroll_pages.workbook(rows), django_capture_on_commit_callbacks)
    assert batch.failed == 0
    single = services.application_draft_save(
        kind=EMPLOYEE_ENROLLMENT,
        unit=binding.unit,
        actor=binding.operator.user,
        payload=single_payload(rows[1]),
    )
    waiting = submit(binding, single)

    with pytest.raises(ApplicationError) as refused:
        submit(binding, application_of(batch))

    assert refused.value.message == (
        "本批次中有1人已在其他待审核的职工参保登记中（职工一），审核完成前不能重复申报。"
        "请重新批量导入，在校验失败列表中核对这些人员，从文件中删除后再导入提交"
    )
    assert application_of(batch).status == Status.DRAFT
    assert waiting.status == Status.SUBMITTED


def test_a_single_enrollment_of_a_person_in_a_pending_batch_is_refused(
    client: Client, binding: Binding, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [enroll_pages.person_row(n) for n in range(2)]
    batch = enroll_pages.upload(client, enroll_pages.workbook(rows), django_capture_on_commit_callbacks)
    waiting = submit(binding, application_of(batch))

    with pytest.raises(ApplicationError) as refused:
        services.application_draft_save(
            kind=EMPLOYEE_ENROLLMENT,
            unit=binding.unit,
            actor=binding.operator.user,
            payload=single_payload(rows[0]),
        )

    assert refused.value.message == (
        f"证件号码：该人员已在待审核的职工参保登记中（办件编号 {waiting.number}），审核完成前不能重复登记"
    )
    assert Application.objects.filter(type_code=EMPLOYEE_ENROLLMENT.code).count() == 0


def test_a_withdrawn_batch_no_longer_holds_its_persons(
    client: Client, binding: Binding, django_capture_on_commit_callbacks: Any
) -> None:
    data = enroll_pages.workbook([enroll_pages.person_row(n) for n in range(2)])
    first = enroll_pages.upload(client, data, django_capture_on_commit_callbacks)
    waiting = submit(binding, application_of(first))
    services.application_withdraw(application=waiting, actor=binding.operator.user)
    again = enroll_pages.upload(client, data, django_capture_on_commit_callbacks)
    assert (again.passed, again.failed) == (2, 0)


# --- 中断参保 ---------------------------------------------------------------------------------------


def interrupt(binding: Binding, ids: list[int]) -> Application:
    return employee_interruption_draft_save(
        kind=EMPLOYEE_INTERRUPTION, scope=PersonScope(unit=binding.unit), actor=binding.operator.user,
        person_ids=ids, reason="01", pause_date=timezone.localdate(),
    )  # fmt: skip


def test_a_person_in_a_pending_interruption_cannot_be_interrupted_again(binding: Binding) -> None:
    persons = [interruption_pages.insured(binding, n) for n in range(3)]
    waiting = submit(binding, interrupt(binding, [persons[0].pk, persons[1].pk]))

    with pytest.raises(ApplicationError) as refused:
        interrupt(binding, [persons[2].pk, persons[1].pk, persons[0].pk])

    assert refused.value.message == (
        f"职工1等2人已在待审核的职工中断参保中（办件编号 {waiting.number}），审核完成前不能重复中断，请取消勾选"
    )
    assert Application.objects.filter(type_code=EMPLOYEE_INTERRUPTION.code).count() == 1
    interrupt(binding, [persons[2].pk])  # the third alone is fine


def test_a_batch_interruption_sees_the_pending_single_one_and_the_other_way_round(
    client: Client, binding: Binding, django_capture_on_commit_callbacks: Any
) -> None:
    persons = [interruption_pages.insured(binding, n) for n in range(3)]
    waiting = submit(binding, interrupt(binding, [persons[0].pk]))
    rows = [interruption_pages.row_for(p) for p in persons]

    batch = interruption_pages.upload(
        client, interruption_pages.workbook(rows), django_capture_on_commit_callbacks
    )

    assert (batch.passed, batch.failed) == (2, 1)
    failed = application_of(batch).lines.exclude(error="").get()
    assert failed.error == (
        f"证件号码：该人员已在待审核的职工中断参保中（办件编号 {waiting.number}），审核完成前不能重复中断"
    )
    # the other way round: the file (persons 1 and 2) waits, a single one of person 2 is refused
    clean = interruption_pages.upload(
        client, interruption_pages.workbook(rows[1:]), django_capture_on_commit_callbacks
    )
    pending_batch = submit(binding, application_of(clean))
    with pytest.raises(ApplicationError) as refused:
        interrupt(binding, [persons[2].pk])
    assert f"（办件编号 {pending_batch.number}）" in refused.value.message
