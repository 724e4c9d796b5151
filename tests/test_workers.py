"""A task worker killed in the middle of a batch import (SIGKILL to the worker and its work-horse,
no chance to clean up) leaves nothing half stored: the lines are written in one transaction that
dies with it, and the import, once its lease runs out, is run again from scratch by the next
worker. Likewise an export killed while it copies its file into storage: the job is never done
with half a file, and runs again. On both queues: the database queue (`db_worker`) and RQ (`rqworker`, when a Redis server
is reachable at TEST_WORKER_REDIS_URL, default redis://127.0.0.1:6379/11)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.instances import HallInstance, kill_group

pytestmark = pytest.mark.tasks

ROWS = 3_000
REDIS_URL = os.environ.get("TEST_WORKER_REDIS_URL", "redis://127.0.0.1:6379/11")

# An operator granted 批量参保登记 uploads a file of {rows} persons; prints the import's id.
SEED_ROWS = """
import datetime
from yibao.core.audit import RequestOrigin
from yibao.core.tests.factories import BindingFactory, grant
from yibao.demo.numbers import make_id_number, numbered_name
from yibao.enrollment.batch_import import batch_import_start
from yibao.enrollment.tests.test_batch_pages import person_row, workbook
binding = grant(BindingFactory.create(), "employee-enrollment")
rows = [
    person_row(1, 证件号码=make_id_number("530102", datetime.date(1970, 1, 1) + datetime.timedelta(days=n), n % 1000),
               姓名=numbered_name("职工", n))
    for n in range({rows})
]
batch = batch_import_start(
    unit=binding.unit, actor=binding.operator.user, data=workbook(rows), original_name="人员.xlsx",
    origin=RequestOrigin(),
)
print(batch.pk)
"""
SEED = SEED_ROWS.format(rows=ROWS)

# In the worker: after the first chunk of lines is written (inside the import's transaction), tell
# which process runs the import (RQ's work-horse is a child in a session of its own) and wait.
STOP_MID_WRITE = """
import os, time
from pathlib import Path
from yibao.cases import services
written = services.bulk_write
def bulk_write_then_hang(*args, **kwargs):
    written(*args, **kwargs)
    Path({marker!r}).write_text(str(os.getpid()))
    time.sleep(600)
services.bulk_write = bulk_write_then_hang
"""


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def wait_for(check, *, seconds: float, what: str, instance: HallInstance):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}\n{instance.worker_log()}")


@pytest.fixture(params=["db", "rq"])
def hall(request: pytest.FixtureRequest, tmp_path: Path) -> HallInstance:
    env = {"YIBAO_TASK_BACKEND": request.param, "YIBAO_BATCH_LEASE_SECONDS": "2"}
    if request.param == "rq":
        if not redis_reachable():
            pytest.skip(f"no Redis at {REDIS_URL}")
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        env["REDIS_URL"] = REDIS_URL
    instance = HallInstance(tmp_path, profile="national", env=env).prepare()
    request.addfinalizer(instance.kill)
    return instance


def kill_worker(worker: subprocess.Popen[bytes], marker: Path) -> None:
    """SIGKILL to the process running the import, then to its worker: a machine gone."""
    running = int(marker.read_text())
    with contextlib.suppress(ProcessLookupError):
        os.kill(running, signal.SIGKILL)
    kill_group(worker)


def import_state(hall: HallInstance, batch_id: int) -> tuple[str, int, int, int]:
    """(status, attempts, line items stored, batch applications)"""
    [(status, attempts)] = hall.query(
        "SELECT status, attempts FROM enrollment_batchimport WHERE id = ?", batch_id
    )
    [(lines,)] = hall.query("SELECT count(*) FROM cases_lineitem")
    [(applications,)] = hall.query("SELECT count(*) FROM cases_application")
    return status, attempts, lines, applications


def test_a_worker_killed_mid_import_stores_nothing_and_the_import_runs_again(
    hall: HallInstance, tmp_path: Path
) -> None:
    batch_id = int(hall.shell(SEED).strip().splitlines()[-1])
    marker = tmp_path / "first-chunk"
    worker = hall.start_worker(before=STOP_MID_WRITE.format(marker=str(marker)))
    wait_for(
        lambda: marker.exists() and marker.read_text(),
        seconds=120,
        what="the first chunk of lines",
        instance=hall,
    )

    kill_worker(worker, marker)  # SIGKILL, mid-transaction

    status, attempts, lines, applications = import_state(hall, batch_id)
    assert (status, attempts, lines, applications) == ("running", 1, 0, 0)  # nothing half stored
    time.sleep(2.5)  # the lease (2 s) runs out: nobody renews it
    assert "重新执行1个" in hall.manage("batch_imports_recover")
    assert import_state(hall, batch_id)[:2] == ("queued", 1)

    hall.start_worker()
    wait_for(
        lambda: import_state(hall, batch_id)[0] == "done", seconds=180, what="the second run", instance=hall
    )
    status, attempts, lines, applications = import_state(hall, batch_id)
    assert (status, attempts, lines, applications) == ("done", 2, ROWS, 1)
    [(passed, failed)] = hall.query(
        "SELECT passed, failed FROM enrollment_batchimport WHERE id = ?", batch_id
    )
    assert (passed, failed) == (ROWS, 0)


def test_an_import_whose_runs_are_used_up_ends_as_interrupted(hall: HallInstance, tmp_path: Path) -> None:
    hall.env["YIBAO_BATCH_IMPORT_ATTEMPTS"] = "1"
    batch_id = int(hall.shell(SEED).strip().splitlines()[-1])
    marker = tmp_path / "first-chunk"
    worker = hall.start_worker(before=STOP_MID_WRITE.format(marker=str(marker)))
    wait_for(
        lambda: marker.exists() and marker.read_text(),
        seconds=120,
        what="the first chunk of lines",
        instance=hall,
    )
    kill_worker(worker, marker)
    time.sleep(2.5)

    assert "导入中断1个" in hall.manage("batch_imports_recover")

    [(status, error)] = hall.query("SELECT status, error FROM enrollment_batchimport WHERE id = ?", batch_id)
    assert (status, error) == ("refused", "导入中断，请重新导入")
    assert import_state(hall, batch_id)[2:] == (0, 0)
    [(events,)] = hall.query("SELECT count(*) FROM core_auditevent WHERE action = 'batch_import_interrupted'")
    assert events == 1


# --- exports (yibao/exports): the worker killed while it copies the file into storage ------------

EXPORT_ROWS = 2_000
# An operator granted 职工花名册查询, a unit of {rows} insured persons, and its 导出 (the job is
# enqueued as the shell's transaction commits); prints the job's id.
SEED_EXPORT = f"""
from yibao.core.audit import RequestOrigin
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, PersonFactory, grant
from yibao.enrollment.models import Insurance
from yibao.exports.services import export_job_create
from yibao.queries.export_kinds import ROSTER_EXPORT
binding = grant(BindingFactory.create(), "roster", populations=())
people = PersonFactory.create_batch({EXPORT_ROWS})
Insurance.objects.bulk_create([InsuranceFactory.build(unit=binding.unit, person=p) for p in people])
job = export_job_create(
    actor=binding.operator.user, unit=binding.unit, kind=ROSTER_EXPORT, filters={{"filters": {{}}, "query": ""}},
    psn_types=None, full_identity=False, download_name="职工花名册.xlsx", origin=RequestOrigin(),
)
print(job.pk)
"""

# In the worker: the export's copy into storage writes half a file, tells which process runs it
# and waits.
STOP_MID_COPY = """
import os, time
from pathlib import Path
from django.core.files.storage import FileSystemStorage
copy = FileSystemStorage._save
def half_then_hang(self, name, content):
    if name.startswith("exports/"):
        os.makedirs(os.path.dirname(self.path(name)), exist_ok=True)
        Path(self.path(name)).write_bytes(content.read(4096))
        Path({marker!r}).write_text(str(os.getpid()))
        time.sleep(600)
    return copy(self, name, content)
FileSystemStorage._save = half_then_hang
"""


def export_state(hall: HallInstance, job_id: int) -> tuple[str, int, str, int]:
    """(status, attempts, file name, rows)"""
    [(status, attempts, name, rows)] = hall.query(
        "SELECT status, attempts, file_name, rows FROM exports_exportjob WHERE id = ?", job_id
    )
    return status, attempts, name, rows


def test_a_worker_killed_mid_export_leaves_no_done_job_and_the_export_runs_again(
    hall: HallInstance, tmp_path: Path
) -> None:
    from python_calamine import CalamineWorkbook

    hall.env["YIBAO_EXPORT_LEASE_SECONDS"] = "2"
    private = Path(hall.env["YIBAO_VAR_DIR"]) / "private"
    job_id = int(hall.shell(SEED_EXPORT).strip().splitlines()[-1])
    marker = tmp_path / "half-copied"
    worker = hall.start_worker(before=STOP_MID_COPY.format(marker=str(marker)))
    wait_for(lambda: marker.exists() and marker.read_text(), seconds=120, what="the copy", instance=hall)

    kill_worker(worker, marker)  # SIGKILL, half the file in storage

    status, attempts, half, _rows = export_state(hall, job_id)
    assert (status, attempts) == ("running", 1) and (private / half).exists()  # never done
    time.sleep(2.5)  # the lease (2 s) runs out: nobody renews it
    assert "重新执行1个" in hall.manage("exports_recover")
    assert export_state(hall, job_id)[:3] == ("queued", 1, "") and not (private / half).exists()

    hall.start_worker()
    wait_for(
        lambda: export_state(hall, job_id)[0] == "done", seconds=180, what="the second run", instance=hall
    )
    status, attempts, name, rows = export_state(hall, job_id)
    assert (status, attempts, rows) == ("done", 2, EXPORT_ROWS)
    sheet = CalamineWorkbook.from_path(str(private / name)).get_sheet_by_name("职工花名册").to_python()
    assert len(sheet) == 1 + EXPORT_ROWS
