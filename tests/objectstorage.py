"""A local S3-compatible server for tests (moto's server, in a thread on 127.0.0.1) and the
settings that point the hall's storages at one bucket of it (config/settings.py, YIBAO_S3_*)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tests.instances import free_port

KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}  # moto takes any


@dataclass
class S3Server:
    endpoint: str
    bucket: str

    @property
    def env(self) -> dict[str, str]:
        return {
            "YIBAO_S3_BUCKET": self.bucket,
            "YIBAO_S3_ENDPOINT_URL": self.endpoint,
            "YIBAO_S3_REGION": "us-east-1",
            "YIBAO_S3_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
            "YIBAO_S3_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"],
            "YIBAO_S3_ADDRESSING_STYLE": "path",
        }

    def client(self) -> Any:
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1", **KEYS)

    def keys(self, prefix: str = "") -> list[str]:
        listed = self.client().list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"] for item in listed.get("Contents", []))


@contextmanager
def s3_server() -> Iterator[S3Server]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        # moto keeps its buckets per Python process, whatever server serves them: a new one each time
        s3 = S3Server(endpoint=f"http://127.0.0.1:{port}", bucket=f"yibao-test-{uuid.uuid4().hex[:12]}")
        s3.client().create_bucket(Bucket=s3.bucket)
        yield s3
    finally:
        server.stop()
