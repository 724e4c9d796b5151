"""Leases of batch imports (yibao/enrollment/batch_lease.py): an import whose worker is gone is
run again from scratch or ends as «导入中断，请重新导入»; a run that lost its lease stores nothing;
an upload whose enqueue failed is kept and queued again. The real thing, a worker SIGKILLed in the
middle of the write, is tests/test_workers.py."""

from __future__ import annotations

import dataclasses
import datetime
import time
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yibao.cases.models import Application, LineItem
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import BindingFactory, grant
from yibao.enrollment import batch_import
from yibao.enrollment.batch_import import batch_import_run, batch_imports_recover
from yibao.enrollment.batch_lease import INTERRUPTED, batch_lease
from yibao.enrollment.models import BatchImport
from yibao.enrollment.tests.test_batch_pages import person_row, upload, workbook
from yibao.operators.models import Binding
from yibao.operators.session import CURRENT_UNIT_KEY

pytestmark = pytest.mark.django_db

PAST = datetime.timedelta(seconds=1)


@pytest.fixture
def binding(client: Client) -> Binding:
    binding = grant(BindingFactory.create(), "employee-enrollment")
    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit_id
    session.save()
    return binding


def lost_import(binding: Binding, *, status: str, attempts: int, rows: int = 5) -> BatchImport:
    """An import left behind by a worker that died (its lease ran out a second ago)."""
    batch = BatchImport(
        unit=binding.unit, created_by=binding.operator.user, original_name="人员.xlsx", status=status,
        attempts=attempts, lease_until=timezone.now() - PAST, stage="校验人员信息", rows_total=rows,
    )  # fmt: skip
    batch.file.save(
        "import.xlsx", ContentFile(workbook([person_row(n) for n in range(1, rows + 1)])), save=False
    )
    batch.save()
    return batch


def test_a_running_import_whose_worker_died_runs_again_from_scratch(
    binding: Binding, django_capture_on_commit_callbacks: Any
) -> None:
    batch = lost_import(binding, status=BatchImport.Status.RUNNING, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert batch_imports_recover() == {"enqueued": 0, "restarted": 1, "interrupted": 0}
    batch.refresh_from_db()
    assert (batch.status, batch.attempts, batch.passed, batch.lease_until) == (
        BatchImport.Status.DONE,
        2,
        5,
        None,
    )
    assert LineItem.objects.filter(application=batch.application).count() == 5
    assert AuditEvent.objects.filter(action="batch_import_restarted", object_id=str(batch.pk)).count() == 1


def test_an_import_whose_runs_are_used_up_ends_as_interrupted(binding: Binding) -> None:
    batch = lost_import(binding, status=BatchImport.Status.RUNNING, attempts=2)
    assert batch_imports_recover() == {"enqueued": 0, "restarted": 0, "interrupted": 1}
    batch.refresh_from_db()
    assert (batch.status, batch.error, batch.lease_until) == (BatchImport.Status.REFUSED, INTERRUPTED, None)
    assert not Application.objects.exists()
    assert batch_imports_recover() == {"enqueued": 0, "restarted": 0, "interrupted": 0}  # idempotent


def test_a_queued_import_the_queue_lost_is_enqueued_again(
    binding: Binding, django_capture_on_commit_callbacks: Any
) -> None:
    batch = lost_import(binding, status=BatchImport.Status.QUEUED, attempts=0)
    with django_capture_on_commit_callbacks(execute=True):
        assert batch_imports_recover() == {"enqueued": 1, "restarted": 0, "interrupted": 0}
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == (BatchImport.Status.DONE, 1)


def test_imports_within_their_lease_or_finished_are_left_alone(binding: Binding) -> None:
    alive = lost_import(binding, status=BatchImport.Status.RUNNING, attempts=1)
    BatchImport.objects.filter(pk=alive.pk).update(lease_until=timezone.now() + datetime.timedelta(minutes=1))
    done = lost_import(binding, status=BatchImport.Status.DONE, attempts=1)
    assert batch_imports_recover() == {"enqueued": 0, "restarted": 0, "interrupted": 0}
    assert BatchImport.objects.get(pk=alive.pk).status == BatchImport.Status.RUNNING
    assert BatchImport.objects.get(pk=done.pk).status == BatchImport.Status.DONE


def test_the_progress_page_tells_of_an_interrupted_import(client: Client, binding: Binding) -> None:
    batch = lost_import(binding, status=BatchImport.Status.RUNNING, attempts=2)
    page = client.get(reverse("enrollment:enroll-batch-detail", args=[batch.pk])).content.decode()
    assert "文件无法导入" in page and INTERRUPTED in page
    # another unit's operator learns nothing and changes nothing
    other = grant(BindingFactory.create(), "employee-enrollment")
    stranger = Client()
    stranger.force_login(other.operator.user)
    session = stranger.session
    session[CURRENT_UNIT_KEY] = other.unit_id
    session.save()
    mine = lost_import(binding, status=BatchImport.Status.RUNNING, attempts=2)
    assert stranger.get(reverse("enrollment:enroll-batch-detail", args=[mine.pk])).status_code == 404
    assert BatchImport.objects.get(pk=mine.pk).status == BatchImport.Status.RUNNING


def test_a_run_that_lost_its_lease_stores_nothing(
    binding: Binding, client: Client, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    flow = batch_import.FLOWS[BatchImport.Kind.ENROLLMENT]

    def validate_while_recovery_takes_it(*args: Any) -> Any:
        result = flow.validate(*args)
        # meanwhile its lease ran out and recovery gave the import to another run
        BatchImport.objects.update(status=BatchImport.Status.QUEUED, lease_until=timezone.now())
        return result

    monkeypatch.setitem(
        batch_import.FLOWS,
        BatchImport.Kind.ENROLLMENT,
        dataclasses.replace(flow, validate=validate_while_recovery_takes_it),
    )
    batch = upload(client, workbook([person_row(n) for n in range(1, 4)]), django_capture_on_commit_callbacks)
    batch.refresh_from_db()
    assert (batch.status, batch.attempts) == (BatchImport.Status.QUEUED, 1)  # the other run's to do
    assert not LineItem.objects.exists()


def test_an_upload_whose_enqueue_failed_is_kept_and_queued_later(
    binding: Binding, client: Client, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def queue_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(type(batch_import_run), "enqueue", queue_down)
    batch = upload(client, workbook([person_row(1)]), django_capture_on_commit_callbacks)
    batch.refresh_from_db()
    assert batch.status == BatchImport.Status.QUEUED and batch.lease_until is not None
    monkeypatch.undo()

    BatchImport.objects.filter(pk=batch.pk).update(lease_until=timezone.now() - PAST)
    with django_capture_on_commit_callbacks(execute=True):
        assert batch_imports_recover()["enqueued"] == 1
    batch.refresh_from_db()
    assert batch.status == BatchImport.Status.DONE


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_renews_the_lease_until_the_run_loses_it(reference_data: None, settings: Any) -> None:
    settings.YIBAO_BATCH_LEASE_SECONDS = 1  # a beat every 0.2 s
    binding = grant(BindingFactory.create(), "employee-enrollment")
    batch = lost_import(binding, status=BatchImport.Status.RUNNING, attempts=1)
    with batch_lease(batch.pk, 1) as lease:
        time.sleep(0.7)
        renewed = BatchImport.objects.get(pk=batch.pk).lease_until
        assert renewed is not None and renewed > timezone.now()
        BatchImport.objects.filter(pk=batch.pk).update(attempts=2)  # recovery gave it to another run
        time.sleep(0.5)
        assert lease.lost
    assert BatchImport.objects.get(pk=batch.pk).lease_until == renewed  # not renewed for the other run
