"""Exports as background jobs (yibao/exports): only the operator who asked downloads, in the unit
and under the grant where they asked; the 管理人群 of the request bounds the rows; a run that
fails or loses its lease never leaves a job 已完成 with a partial file; recovery runs a lost job
again or ends it as «导出中断，请重新导出»; expired files are deleted. The roster export serves as
the example: the three kinds share this code."""

from __future__ import annotations

import datetime
import io
import threading
import time
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from tests.pagecheck import check_page, visible_text
from yibao.core.cache_versions import hall_unit_changed
from yibao.core.errors import ApplicationError
from yibao.core.models import AuditEvent
from yibao.core.storage import private_storage
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, UserFactory, grant, staff_login
from yibao.exports import services
from yibao.exports.lease import INTERRUPTED
from yibao.exports.models import ExportJob
from yibao.exports.services import (
    FAILED,
    NO_GRANT,
    SAME_PENDING,
    SUBMITTED,
    TOO_MANY_PENDING,
    export_run,
    exports_cleanup,
    exports_recover,
)
from yibao.exports.tests.helpers import download_links, export_file, export_post
from yibao.operators.access import POPULATION_KEY
from yibao.operators.models import Binding, Grant
from yibao.operators.session import CURRENT_UNIT_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_storage(settings: Any, tmp_path: Any) -> None:
    """A private storage of this test's own, so that what is left in it is this test's."""
    settings.STORAGES = settings.STORAGES | {
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        }
    }


EXPORT = "queries:roster-export"
PAST = datetime.timedelta(seconds=1)


def login(client: Client, binding: Binding, population: str | None = None) -> None:
    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit_id
    if population:
        session[POPULATION_KEY] = {str(binding.unit_id): population}
    session.save()


def roster_operator(populations: tuple[str, ...] | None = None, **kwargs: Any) -> Binding:
    return grant(BindingFactory.create(**kwargs), "roster", populations=populations)


def names(data: bytes) -> list[str]:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("职工花名册").to_python()
    return [str(row[1]) for row in sheet[1:]]


def stored_exports() -> list[str]:
    storage = private_storage()
    if not storage.exists("exports"):
        return []
    return [
        f"{day}/{name}"
        for day in storage.listdir("exports")[0]
        for name in storage.listdir(f"exports/{day}")[1]
    ]


def queued_job(binding: Binding, **fields: Any) -> ExportJob:
    values: dict[str, Any] = {
        "unit": binding.unit, "created_by": binding.operator.user, "kind": "roster",
        "filters": {"filters": {}, "query": ""}, "download_name": "职工花名册.xlsx",
        "expires_at": timezone.now() + datetime.timedelta(hours=1), "lease_until": timezone.now() + PAST,
    }  # fmt: skip
    return ExportJob.objects.create(**(values | fields))


# --- the flow ------------------------------------------------------------------------------------


def test_export_lands_on_the_records_page_and_downloads_the_file(client: Client) -> None:
    binding = roster_operator(populations=())
    InsuranceFactory.create(unit=binding.unit, person__name="甲")
    InsuranceFactory.create(person__name="外单位")
    login(client, binding)
    soup = export_post(client, reverse(EXPORT))
    text = visible_text(soup)
    assert "导出记录" in text and "职工花名册" in text and "已完成" in text
    assert soup.find("meta", attrs={"http-equiv": "refresh"}) is None  # nothing pending
    job = ExportJob.objects.get()
    assert (job.status, job.rows, job.attempts, job.lease_until) == (ExportJob.Status.DONE, 1, 1, None)
    assert job.file_name.startswith("exports/") and job.expires_at > timezone.now() + datetime.timedelta(
        hours=23
    )
    assert AuditEvent.objects.filter(action="export_requested", unit=binding.unit).count() == 1
    assert not AuditEvent.objects.filter(action="roster_exported").exists()  # nothing left the hall yet
    response: Any = client.get(download_links(soup)[0])
    assert response["Cache-Control"] == "private, no-store"
    assert names(b"".join(response.streaming_content)) == ["甲"]
    event = AuditEvent.objects.get(action="roster_exported")
    assert (event.actor_id, event.unit_id, event.after["job"], event.after["rows"]) == (
        binding.operator.user_id, binding.unit_id, job.pk, 1,
    )  # fmt: skip


def test_a_plain_visit_of_the_export_address_goes_back_to_the_query(client: Client) -> None:
    binding = roster_operator()
    login(client, binding)
    response = client.get(reverse(EXPORT), {"status": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("queries:roster") + "?status=1"
    assert not ExportJob.objects.exists()


def test_a_pending_export_refreshes_the_page_and_htmx_asks_for_the_list(client: Client) -> None:
    binding = roster_operator()
    login(client, binding)
    with TestCase.captureOnCommitCallbacks(execute=False):  # the worker has not run yet
        client.post(reverse(EXPORT))
    url = reverse("exports:list", args=["roster"])
    soup = check_page(client.get(url))
    assert "排队中" in visible_text(soup) and "正在生成，请稍候" in visible_text(soup)
    assert soup.select_one("noscript meta[http-equiv=refresh]") is not None
    assert soup.find("a", string="刷新")["href"] == url
    assert soup.select_one("[hx-trigger='every 3s']") is not None
    assert download_links(soup) == []
    partial = client.get(url, headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and "排队中" in partial.content.decode()
    export_run.call(ExportJob.objects.get().pk)
    assert client.get(url, headers={"HX-Request": "true"})["HX-Refresh"] == "true"


# --- who may download ----------------------------------------------------------------------------


def test_another_operator_or_unit_cannot_download(client: Client) -> None:
    binding = roster_operator(populations=())
    InsuranceFactory.create(unit=binding.unit)
    login(client, binding)
    link = download_links(export_post(client, reverse(EXPORT)))[0]
    job = ExportJob.objects.get()
    colleague = roster_operator(unit=binding.unit, populations=())  # same unit, same grant
    other_unit = roster_operator(populations=())  # another unit, same grant
    for other in (colleague, other_unit):
        stranger = Client()
        login(stranger, other)
        assert stranger.get(link).status_code == 404
        assert stranger.get(reverse("exports:download", args=["roster", job.pk])).status_code == 404
        assert download_links(check_page(stranger.get(reverse("exports:list", args=["roster"])))) == []
    # the same operator, working for another unit it is bound to
    second = roster_operator(operator=binding.operator, populations=())
    login(client, second)
    assert client.get(link).status_code == 404
    # under another item's address (the operator holds it, the export is not of it)
    login(client, binding)
    grant(binding, "remote-care-filings", populations=())
    assert client.get(reverse("exports:download", args=["remote-care-filings", job.pk])).status_code == 404
    # the grant withdrawn: 无权限
    Grant.objects.filter(binding=binding, item__code="roster").delete()
    hall_unit_changed(binding.unit_id)  # as 权限管理 does
    assert client.get(link).status_code == 403
    assert not AuditEvent.objects.filter(action="roster_exported").exists()


def test_full_numbers_are_not_downloaded_once_the_grant_masks_them(client: Client) -> None:
    binding = roster_operator(populations=())
    person = InsuranceFactory.create(unit=binding.unit).person
    Binding.objects.filter(pk=binding.pk).update(full_identity=True)
    login(client, binding)
    assert person.cert_no.encode() not in export_post(client, reverse(EXPORT)).encode()
    job = ExportJob.objects.get()
    assert job.full_identity is True
    Binding.objects.filter(pk=binding.pk).update(full_identity=False)
    hall_unit_changed(binding.unit_id)
    assert client.get(reverse("exports:download", args=["roster", job.pk])).status_code == 404


def test_a_narrower_population_exports_only_its_people(client: Client) -> None:
    binding = roster_operator(populations=("in-service", "retired"))
    InsuranceFactory.create(unit=binding.unit, person__name="在职", psn_type="1101")
    InsuranceFactory.create(unit=binding.unit, person__name="退休", psn_type="1201")
    login(client, binding, population="in-service")
    assert names(export_file(client, reverse(EXPORT))) == ["在职"]
    in_service = ExportJob.objects.get()
    assert in_service.psn_types == ["1101", "1102", "1160"]
    login(client, binding, population="retired")
    assert names(export_file(client, reverse(EXPORT))) == ["退休"]
    # the grant narrowed to 退休人员: the 在职职工 file is no longer the operator's to take
    binding.populations.set(binding.unit.populations.filter(code="retired"))
    hall_unit_changed(binding.unit_id)
    assert client.get(reverse("exports:download", args=["roster", in_service.pk])).status_code == 404


def test_a_grant_withdrawn_before_the_worker_runs_fails_the_job(client: Client) -> None:
    binding = roster_operator()
    login(client, binding)
    with TestCase.captureOnCommitCallbacks(execute=False):
        client.post(reverse(EXPORT))
    Grant.objects.filter(binding=binding).delete()
    export_run.call(ExportJob.objects.get().pk)
    job = ExportJob.objects.get()
    assert (job.status, job.error, job.file_name) == (ExportJob.Status.FAILED, NO_GRANT, "")


# --- failures and leases -------------------------------------------------------------------------


def test_a_failed_write_to_storage_never_marks_the_job_done(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    binding = roster_operator(populations=())
    InsuranceFactory.create(unit=binding.unit)
    login(client, binding)
    storage = private_storage()

    def half_written(name: str, content: Any, max_length: int | None = None) -> str:
        storage._save(name, ContentFile(b"PK\x03\x04 half"))  # type: ignore[attr-defined]
        raise OSError("disk full")

    monkeypatch.setattr(storage, "save", half_written)
    export_post(client, reverse(EXPORT))  # the task fails (the queue records it) after the job
    job = ExportJob.objects.get()
    assert (job.status, job.error, job.file_name) == (ExportJob.Status.FAILED, FAILED, "")
    assert stored_exports() == []  # the half file is gone
    monkeypatch.undo()
    soup = check_page(client.get(reverse("exports:list", args=["roster"])))
    assert FAILED in visible_text(soup) and download_links(soup) == []


def test_a_failing_builder_stores_nothing(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from yibao.queries import export_kinds

    binding = roster_operator(populations=())
    InsuranceFactory.create(unit=binding.unit)
    login(client, binding)

    def broken(output: Any, sheets: Any) -> None:
        output.write(b"PK partial")
        raise RuntimeError("database went away")

    monkeypatch.setattr(export_kinds, "write_xlsx", broken)
    export_post(client, reverse(EXPORT))
    assert ExportJob.objects.get().status == ExportJob.Status.FAILED and stored_exports() == []


def test_a_run_that_lost_its_lease_is_not_marked_done_and_deletes_its_file(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    binding = roster_operator(populations=())
    InsuranceFactory.create(unit=binding.unit)
    login(client, binding)
    storage = private_storage()
    save = storage.save

    def slow_save(name: str, content: Any, max_length: int | None = None) -> str:
        # meanwhile recovery took the job back (the worker looked dead) and queued it again
        ExportJob.objects.update(status=ExportJob.Status.QUEUED, file_name="")
        return save(name, content, max_length)

    monkeypatch.setattr(storage, "save", slow_save)
    with TestCase.captureOnCommitCallbacks(execute=False):
        client.post(reverse(EXPORT))
    export_run.call(ExportJob.objects.get().pk)
    job = ExportJob.objects.get()
    assert (job.status, job.file_name) == (ExportJob.Status.QUEUED, "")
    assert stored_exports() == []
    monkeypatch.undo()
    export_run.call(job.pk)  # the next run makes it from scratch
    job.refresh_from_db()
    assert (job.status, job.attempts, job.rows) == (ExportJob.Status.DONE, 2, 1)
    assert len(stored_exports()) == 1


def test_a_running_job_whose_worker_died_runs_again_then_ends_as_interrupted(client: Client) -> None:
    binding = roster_operator(populations=())
    InsuranceFactory.create(unit=binding.unit, person__name="甲")
    partial = private_storage().save("exports/19700101/partial.xlsx", ContentFile(b"PK half"))
    job = queued_job(
        binding,
        status=ExportJob.Status.RUNNING,
        attempts=1,
        file_name=partial,
        lease_until=timezone.now() - PAST,
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert exports_recover() == {"enqueued": 0, "restarted": 1, "interrupted": 0}
    job.refresh_from_db()
    assert (job.status, job.attempts, job.rows) == (ExportJob.Status.DONE, 2, 1)
    assert not private_storage().exists(partial)
    assert AuditEvent.objects.filter(action="export_restarted", object_id=str(job.pk)).exists()

    lost = queued_job(binding, status=ExportJob.Status.RUNNING, attempts=2, lease_until=timezone.now() - PAST)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert exports_recover() == {"enqueued": 0, "restarted": 0, "interrupted": 1}
    lost.refresh_from_db()
    assert (lost.status, lost.error) == (ExportJob.Status.FAILED, INTERRUPTED)
    assert exports_recover() == {"enqueued": 0, "restarted": 0, "interrupted": 0}  # idempotent
    login(client, binding)
    assert INTERRUPTED in visible_text(check_page(client.get(reverse("exports:list", args=["roster"]))))


class Enqueued:
    """export_run as the queue sees it: the ids enqueued, nothing run."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def enqueue(self, job_id: int) -> None:
        self.ids.append(job_id)


def test_a_job_never_enqueued_is_enqueued_again_by_recovery_after_the_queued_lease(
    client: Client, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    binding = roster_operator(populations=())
    InsuranceFactory.create(unit=binding.unit)
    login(client, binding)

    class QueueAway:
        def enqueue(self, job_id: int) -> None:
            raise ConnectionError("Redis is down")

    monkeypatch.setattr(services, "export_run", QueueAway())
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.post(reverse(EXPORT)).status_code == 302  # the request does not fail
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.QUEUED
    # queued for the long lease of a waiting job, not a run's
    assert job.lease_until is not None
    waiting = job.lease_until - timezone.now()
    assert datetime.timedelta(seconds=settings.YIBAO_EXPORT_QUEUED_LEASE_SECONDS - 60) < waiting
    monkeypatch.undo()
    assert exports_recover() == {"enqueued": 0, "restarted": 0, "interrupted": 0}  # not yet
    ExportJob.objects.update(lease_until=timezone.now() - PAST)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert exports_recover() == {"enqueued": 1, "restarted": 0, "interrupted": 0}
    soup = check_page(client.get(reverse("exports:list", args=["roster"])))
    assert "已完成" in visible_text(soup) and len(download_links(soup)) == 1


def test_the_records_page_never_enqueues_a_waiting_job_again(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job waiting in a backlogged queue past a run's lease: the page (polled every 3 s) leaves
    it alone — enqueued again on every poll it would pile up duplicate tasks."""
    binding = roster_operator(populations=())
    login(client, binding)
    job = queued_job(binding, lease_until=timezone.now() - PAST)
    queue = Enqueued()
    monkeypatch.setattr(services, "export_run", queue)
    url = reverse("exports:list", args=["roster"])
    for _ in range(3):
        with TestCase.captureOnCommitCallbacks(execute=True):
            assert "排队中" in visible_text(check_page(client.get(url)))
            client.get(url, headers={"HX-Request": "true"})
    assert queue.ids == []
    assert ExportJob.objects.get().lease_until == job.lease_until


def test_the_records_page_restarts_a_running_job_whose_worker_is_gone(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    binding = roster_operator(populations=())
    login(client, binding)
    job = queued_job(binding, status=ExportJob.Status.RUNNING, attempts=1, lease_until=timezone.now() - PAST)
    queue = Enqueued()
    monkeypatch.setattr(services, "export_run", queue)
    url = reverse("exports:list", args=["roster"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert "排队中" in visible_text(check_page(client.get(url)))
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.get(url)  # queued now, within its lease: nothing more
    assert queue.ids == [job.pk]
    job.refresh_from_db()
    assert job.status == ExportJob.Status.QUEUED and job.lease_until is not None
    assert job.lease_until > timezone.now() + datetime.timedelta(minutes=5)  # the queued lease


# --- one export at a time ------------------------------------------------------------------------


def export_again(client: Client, url: str) -> tuple[Any, str]:
    """导出, the worker not running yet: (the response, the text of the page it lands on)."""
    with TestCase.captureOnCommitCallbacks(execute=False):
        response = client.post(url, follow=True)
    return response, visible_text(check_page(response))


def test_the_same_export_is_not_started_twice_while_pending(client: Client) -> None:
    binding = roster_operator(populations=())
    login(client, binding)
    url = f"{reverse(EXPORT)}?status=1"
    assert SUBMITTED in export_again(client, url)[1]  # the worker has not run yet
    job = ExportJob.objects.get()
    response, text = export_again(client, url)  # the double-click
    assert response.redirect_chain[-1][0] == reverse("exports:list", args=["roster"])
    assert SAME_PENDING in text and SUBMITTED not in text
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [job.pk]
    assert AuditEvent.objects.filter(action="export_requested").count() == 1
    # running is pending too
    ExportJob.objects.update(status=ExportJob.Status.RUNNING)
    assert SAME_PENDING in export_again(client, url)[1] and ExportJob.objects.count() == 1
    # another query is another export
    assert SUBMITTED in export_again(client, f"{reverse(EXPORT)}?status=2")[1]
    assert ExportJob.objects.count() == 2
    # once done (or failed), the same export may be asked for again
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.DONE)
    assert SUBMITTED in export_again(client, url)[1]
    assert ExportJob.objects.count() == 3


def test_pending_exports_are_capped_per_operator_and_unit(client: Client, settings: Any) -> None:
    settings.YIBAO_EXPORT_PENDING_MAX = 2
    binding = roster_operator(populations=())
    grant(binding, "remote-care-filings", populations=())
    login(client, binding)
    assert SUBMITTED in export_again(client, f"{reverse(EXPORT)}?status=1")[1]
    assert (
        SUBMITTED in export_again(client, reverse("queries:remote-care-filings-export") + "?status=filed")[1]
    )
    response, text = export_again(client, f"{reverse(EXPORT)}?status=2")
    assert TOO_MANY_PENDING in text and SUBMITTED not in text
    assert response.redirect_chain[-1][0] == reverse("exports:list", args=["roster"])
    assert ExportJob.objects.count() == 2
    # another operator of the unit, or the same operator in another unit, has a cap of their own
    colleague = roster_operator(unit=binding.unit, populations=())
    other = Client()
    login(other, colleague)
    assert SUBMITTED in export_again(other, f"{reverse(EXPORT)}?status=2")[1]
    login(client, roster_operator(operator=binding.operator, populations=()))
    assert SUBMITTED in export_again(client, f"{reverse(EXPORT)}?status=2")[1]
    # a pending job past 保留至 (no longer listed) does not count
    login(client, binding)
    ExportJob.objects.filter(unit=binding.unit, created_by=binding.operator.user).update(
        expires_at=timezone.now() - PAST
    )
    assert SUBMITTED in export_again(client, f"{reverse(EXPORT)}?status=2")[1]


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_make_one_job(reference_data: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two requests of the same export at the same moment (two web nodes): the user's row is
    locked before the check, so the second checks once the first has committed its job. The
    check lingers (pending_max slowed down) to let the second catch up, as it could without it."""
    from yibao.queries.export_kinds import ROSTER_EXPORT

    binding = roster_operator(populations=())
    monkeypatch.setattr(services, "export_run", Enqueued())

    def slow_pending_max() -> int:
        time.sleep(0.3)
        return 3

    monkeypatch.setattr(services, "pending_max", slow_pending_max)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def export() -> None:
        try:
            barrier.wait()
            services.export_job_create(
                actor=binding.operator.user, unit=binding.unit, kind=ROSTER_EXPORT,
                filters={"filters": {}, "query": ""}, psn_types=None, full_identity=False,
                download_name="职工花名册.xlsx",
            )  # fmt: skip
            outcomes.append("created")
        except ApplicationError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=export) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == sorted(["created", SAME_PENDING])
    assert ExportJob.objects.count() == 1


# --- the records page ----------------------------------------------------------------------------


def test_the_records_page_says_how_long_files_are_kept_and_leads_back_to_the_query(
    client: Client, settings: Any
) -> None:
    settings.YIBAO_EXPORT_KEEP_HOURS = 12
    binding = roster_operator(populations=())
    login(client, binding)
    url = reverse("exports:list", args=["roster"])
    soup = check_page(client.get(url))
    assert "导出文件生成后保留12小时" in visible_text(soup)
    assert soup.find("a", string="返回查询")["href"] == reverse("queries:roster")
    export_post(client, f"{reverse(EXPORT)}?status=1&name=%E5%BC%A0")
    soup = check_page(client.get(url))
    assert soup.find("a", string="返回查询")["href"] == reverse("queries:roster") + "?name=%E5%BC%A0&status=1"


# --- expiry --------------------------------------------------------------------------------------


def test_expired_exports_are_deleted_with_their_files(client: Client) -> None:
    binding = roster_operator(populations=())
    InsuranceFactory.create(unit=binding.unit)
    login(client, binding)
    link = download_links(export_post(client, reverse(EXPORT)))[0]
    job = ExportJob.objects.get()
    queued = queued_job(binding)  # pending: never deleted by the cleanup
    ExportJob.objects.filter(pk__in=[job.pk, queued.pk]).update(expires_at=timezone.now() - PAST)
    assert client.get(link).status_code == 404  # expired is expired, cleaned or not
    out = io.StringIO()
    call_command("exports_recover", stdout=out)
    assert "删除过期1个" in out.getvalue()
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [queued.pk]
    assert stored_exports() == []
    assert exports_cleanup() == 0


def test_the_records_page_reads_a_bounded_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    binding = roster_operator(populations=())
    login(client, binding)
    for _ in range(25):
        queued_job(binding, status=ExportJob.Status.DONE, file_name="exports/x.xlsx", rows=3)
    with django_assert_max_num_queries(9):  # 1 of them the list's; the rest the hall's
        soup = check_page(client.get(reverse("exports:list", args=["roster"])))
    assert len(download_links(soup)) == 20  # the newest 20


def test_the_admin_lists_jobs_read_only_without_their_query_or_file(client: Client) -> None:
    binding = roster_operator(populations=())
    job = queued_job(
        binding, status=ExportJob.Status.DONE, file_name="exports/secret-name.xlsx", rows=3,
        filters={"filters": {"name": "查询条件里的姓名"}, "query": "name=x"},
    )  # fmt: skip
    staff_login(client, UserFactory.create(is_staff=True, is_superuser=True, username="sysadmin"))
    changelist = client.get(reverse("admin:exports_exportjob_changelist"))
    assert changelist.status_code == 200
    text = changelist.content.decode()
    assert "职工花名册" in text and binding.unit.name in text and "已完成" in text
    detail = client.get(reverse("admin:exports_exportjob_change", args=[job.pk]))
    assert detail.status_code == 200
    for hidden in ("secret-name", "查询条件里的姓名", "name=x", "/download/"):
        assert hidden not in detail.content.decode() and hidden not in text
    assert client.get(reverse("admin:exports_exportjob_add")).status_code == 403
    assert client.post(reverse("admin:exports_exportjob_delete", args=[job.pk])).status_code == 403
    assert ExportJob.objects.filter(pk=job.pk).exists()
