"""Background work on the configured queue (marker `tasks`): in the plain suite tasks run at once;
`.ci/run` runs these tests again with YIBAO_TEST_TASKS=rq, where RQ holds the tasks and a real
burst worker runs them over the test database (tests/taskqueue.py)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.taskqueue import drain, on_rq, queue_clear
from yibao.cases.models import LineItem
from yibao.core.audit import RequestOrigin
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, grant
from yibao.enrollment.batch_import import batch_import_run, batch_import_start
from yibao.enrollment.models import BatchImport, Insurance
from yibao.enrollment.standing import insurance_pauses_run
from yibao.enrollment.tests.test_batch_pages import person_row, workbook
from yibao.operators.models import Binding
from yibao.operators.session import CURRENT_UNIT_KEY

pytestmark = pytest.mark.tasks


@pytest.fixture
def run_tasks(reference_data: None, tmp_path: Path) -> Callable[[], str]:
    if on_rq():
        queue_clear()
    return lambda: drain(tmp_path)


@pytest.fixture
def binding(client: Client, reference_data: None) -> Binding:
    binding = grant(BindingFactory.create(), "employee-enrollment")
    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit_id
    session.save()
    return binding


def test_an_uploaded_batch_file_is_read_and_stored_by_the_worker(
    client: Client, binding: Binding, run_tasks: Callable[[], str]
) -> None:
    data = workbook([person_row(n) for n in range(1, 41)])
    response = client.post(
        reverse("enrollment:enroll-batch"), {"file": SimpleUploadedFile("人员.xlsx", data)}
    )
    assert response.status_code == 302
    batch = BatchImport.objects.get()
    run_tasks()

    batch.refresh_from_db()
    assert (batch.status, batch.passed, batch.failed, batch.attempts) == (BatchImport.Status.DONE, 40, 0, 1)
    assert LineItem.objects.filter(application=batch.application).count() == 40
    page = client.get(response["Location"]).content.decode()
    assert "校验成功列表（40）" in page


def test_an_import_enqueued_twice_runs_once(binding: Binding, run_tasks: Callable[[], str]) -> None:
    batch = batch_import_start(
        unit=binding.unit, actor=binding.operator.user, data=workbook([person_row(n) for n in range(1, 11)]),
        original_name="人员.xlsx", origin=RequestOrigin(),
    )  # fmt: skip
    batch_import_run.enqueue(batch.pk)  # a duplicate, as recovery racing a slow queue could make
    run_tasks()

    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == (BatchImport.Status.DONE, 1)
    assert LineItem.objects.filter(application=batch.application).count() == 10


def test_a_task_deferred_to_a_time_runs_once_it_has_come(
    reference_data: None, run_tasks: Callable[[], str], settings: Any
) -> None:
    if not insurance_pauses_run.get_backend().supports_defer:
        pytest.skip("the immediate backend cannot defer; the database and RQ queues can")
    paused = InsuranceFactory.create(insutype="310", pause_date=timezone.localdate())
    insurance_pauses_run.using(run_after=timezone.now() - datetime.timedelta(seconds=1)).enqueue()
    later = insurance_pauses_run.using(run_after=timezone.now() + datetime.timedelta(hours=1)).enqueue()

    run_tasks()

    paused.refresh_from_db()
    assert paused.status == Insurance.Status.PAUSED
    assert insurance_pauses_run.get_backend().get_result(later.id).status == "READY"  # not yet due


def _send_a_registration_code(client: Client) -> Any:
    from yibao.entry.tests.test_registration import MOBILE, OPERATOR_STEP, UNIT_STEP

    assert client.post("/hall/register/", UNIT_STEP).status_code == 302
    response = client.post("/hall/register/operator/", {**OPERATOR_STEP, "_send_sms": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"短信验证码已发送至{MOBILE[:3]}****{MOBILE[-4:]}" in page
    assert 'data-wait="60"' in page  # the countdown starts at once
    return MOBILE


def test_a_code_is_sent_by_the_worker_and_its_text_blanked(
    client: Client, run_tasks: Callable[[], str]
) -> None:
    from yibao.accounts.models import SmsDispatch, SmsMessage

    mobile = _send_a_registration_code(client)
    dispatch = SmsDispatch.objects.get(phone=mobile)
    run_tasks()

    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.attempts, dispatch.text, dispatch.secret) == ("sent", 1, "", True)
    assert "验证码：" in SmsMessage.objects.get(phone=mobile).text


def test_a_code_goes_to_the_sms_queue_ahead_of_the_rest(client: Client, run_tasks: Callable[[], str]) -> None:
    from yibao.accounts.models import SmsDispatch
    from yibao.accounts.sms_dispatch import sms_dispatch_run

    assert sms_dispatch_run.queue_name == "sms"
    mobile = _send_a_registration_code(client)
    if on_rq():
        import django_rq

        assert (django_rq.get_queue("sms").count, django_rq.get_queue("default").count) == (1, 0)
    run_tasks()

    assert SmsDispatch.objects.get(phone=mobile).status == "sent"


def test_a_retry_runs_at_its_time_and_a_duplicate_before_it_claims_nothing(
    reference_data: None, run_tasks: Callable[[], str]
) -> None:
    import time

    from yibao.accounts import sms_dispatch as dispatching
    from yibao.accounts.models import SmsDispatch, SmsMessage

    if not dispatching.sms_dispatch_run.get_backend().supports_defer:
        pytest.skip("the immediate backend cannot defer; the database and RQ queues can")
    now = timezone.now()
    due = now + datetime.timedelta(seconds=20)  # longer than a burst worker takes to start
    row = SmsDispatch.objects.create(  # as a failed first attempt leaves it
        phone="13912345678",
        text="验证码：123456",
        secret=True,
        created_at=now,
        attempts=1,
        last_error="短信发送失败，请稍后重试",
        next_attempt_at=due,
        lease_until=due + dispatching.lease(),
    )
    assert dispatching.sms_dispatch_enqueue(row.pk, run_after=due + dispatching.DEFER_MARGIN)  # the retry
    assert dispatching.sms_dispatch_enqueue(row.pk)  # a duplicate that recovery left in the queue
    run_tasks()

    row.refresh_from_db()
    assert (row.status, row.attempts) == ("queued", 1)  # the duplicate came before the back-off ended
    if on_rq():  # the retry, and the duplicate deferred to the same time
        import django_rq

        assert django_rq.get_queue("sms").scheduled_job_registry.count == 2
    time.sleep(max(0.0, (due + 2 * dispatching.DEFER_MARGIN - timezone.now()).total_seconds()))
    run_tasks()

    row.refresh_from_db()
    assert (row.status, row.attempts, row.text) == ("sent", 2, "")
    assert SmsMessage.objects.count() == 1


def test_a_queue_that_is_away_keeps_the_code_for_recovery(
    client: Client, run_tasks: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from yibao.accounts.models import SmsDispatch, SmsMessage
    from yibao.accounts.sms_dispatch import sms_dispatch_run, sms_dispatches_recover

    def redis_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("Redis is away")

    with monkeypatch.context() as patched:
        patched.setattr(type(sms_dispatch_run.get_backend()), "enqueue", redis_down)
        mobile = _send_a_registration_code(client)  # no 500: the page answers as ever
    dispatch = SmsDispatch.objects.get(phone=mobile)
    assert (dispatch.status, dispatch.attempts) == ("queued", 0)
    SmsDispatch.objects.update(lease_until=timezone.now() - datetime.timedelta(seconds=1))
    assert sms_dispatches_recover() == {"enqueued": 1, "failed": 0, "expired": 0, "deleted": 0}
    run_tasks()

    assert SmsDispatch.objects.get().status == "sent"
    assert SmsMessage.objects.filter(phone=mobile).count() == 1


def test_a_send_whose_worker_was_killed_is_sent_once_after_its_lease(
    reference_data: None, run_tasks: Callable[[], str]
) -> None:
    from yibao.accounts import sms_dispatch as dispatching
    from yibao.accounts.models import SmsDispatch, SmsMessage

    now = timezone.now()
    row = SmsDispatch.objects.create(
        phone="13912345678", text="验证码：123456", secret=True, created_at=now, next_attempt_at=now
    )
    assert dispatching._claim(row.pk, now) is not None  # a worker took it and was SIGKILLed

    assert dispatching.sms_dispatches_recover() == {
        "enqueued": 0,
        "failed": 0,
        "expired": 0,
        "deleted": 0,
    }  # its lease holds
    SmsDispatch.objects.filter(pk=row.pk).update(lease_until=now - datetime.timedelta(seconds=1))
    assert dispatching.sms_dispatches_recover() == {"enqueued": 1, "failed": 0, "expired": 0, "deleted": 0}
    dispatching.sms_dispatch_run.enqueue(row.pk)  # a duplicate, as two recoveries racing could make
    run_tasks()

    row.refresh_from_db()
    assert (row.status, row.attempts, row.text) == ("sent", 2, "")
    assert SmsMessage.objects.count() == 1
