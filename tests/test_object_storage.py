"""Uploads in S3-compatible object storage (YIBAO_S3_BUCKET, django-storages) against a local
S3 server: a batch file uploaded through the hall lands in the bucket's private/ prefix, nothing
on the node's disk, and the worker reads it from there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.instances import HallInstance
from tests.objectstorage import S3Server, s3_server
from tests.test_workers import SEED_ROWS

ROWS = 50


@pytest.fixture
def s3() -> Iterator[S3Server]:
    with s3_server() as server:
        yield server


def test_a_batch_file_is_kept_in_the_bucket_and_read_from_there_by_the_worker(
    s3: S3Server, tmp_path: Path
) -> None:
    hall = HallInstance(tmp_path, profile="national", env=s3.env).prepare()
    try:
        batch_id = int(hall.shell(SEED_ROWS.format(rows=ROWS)).strip().splitlines()[-1])
        [(name,)] = hall.query("SELECT file FROM enrollment_batchimport WHERE id = ?", batch_id)
        assert s3.keys("private/") == [f"private/{name}"]
        assert not (tmp_path / "national-var" / "private").exists()  # nothing on this node's disk

        hall.start_worker(burst=True).wait(timeout=300)

        [(status, passed)] = hall.query(
            "SELECT status, passed FROM enrollment_batchimport WHERE id = ?", batch_id
        )
        assert (status, passed) == ("done", ROWS), hall.worker_log()
    finally:
        hall.kill()
