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
