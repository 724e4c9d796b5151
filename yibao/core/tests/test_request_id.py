"""The request id (X-Request-ID) and the JSON log lines that carry it."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.test import Client

from yibao.core.log_format import JsonFormatter, RequestIdFilter, current_request_id, personal_numbers_mask


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.addFilter(RequestIdFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def django_request_log():
    handler = Collect()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


@pytest.mark.django_db
def test_a_request_without_an_id_gets_a_new_one(client: Client) -> None:
    first, second = client.get("/ops/health/live/"), client.get("/ops/health/live/")
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
def test_the_proxy_id_is_kept_when_well_formed(client: Client) -> None:
    response = client.get("/ops/health/live/", HTTP_X_REQUEST_ID="7f3c9a0b1d2e4f5a8b6c7d8e9f0a1b2c")
    assert response["X-Request-ID"] == "7f3c9a0b1d2e4f5a8b6c7d8e9f0a1b2c"


@pytest.mark.parametrize(
    "given",
    [
        "short",
        "x" * 65,
        "abc def ghi",
        'inject"\n{"level":"ERROR"}',
        "-starts-with-dash",
        "编号编号编号编号编号",
    ],
)
@pytest.mark.django_db
def test_a_malformed_id_is_replaced(client: Client, given: str) -> None:
    response = client.get("/ops/health/live/", HTTP_X_REQUEST_ID=given)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_log_records_of_the_request_carry_its_id_and_none_after(client: Client, django_request_log) -> None:
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-log-000000001")
    assert response.status_code == 404
    # Django writes "Not Found" after the middleware returned: the id is still there
    assert [r.request_id for r in django_request_log.records] == ["req-log-000000001"]
    assert current_request_id.get() == "-"


def record(message: str, *args, **extra) -> logging.LogRecord:
    rec = logging.LogRecord("yibao.test", logging.INFO, __file__, 1, message, args, None)
    for key, value in extra.items():
        setattr(rec, key, value)
    return rec


def test_the_json_line_has_the_fields_and_no_request_object() -> None:
    rec = record("imported %d rows", 12, request_id="req-json-0000001", request=object(), unit_id=7)
    line = json.loads(JsonFormatter().format(rec))
    assert line["message"] == "imported 12 rows"
    assert line["level"] == "INFO" and line["logger"] == "yibao.test"
    assert line["request_id"] == "req-json-0000001" and line["unit_id"] == 7
    assert "time" in line and "request" not in line


def test_personal_numbers_never_reach_a_log_line() -> None:
    rec = record("证件号码 %s 手机 %s", "11010119900307451X", "13812345678", phone="15900001111")
    line = JsonFormatter().format(rec)
    assert "11010119900307451X" not in line and "13812345678" not in line and "15900001111" not in line
    assert "1101**********451X" in line and "138****5678" in line and "159****1111" in line


@pytest.mark.parametrize(
    "text",
    [
        "request a13812345678b",  # inside a hex id
        "order 213812345678",  # a longer number
        "1101011990030745",  # 16 digits: no ID number
    ],
)
def test_other_numbers_are_left_alone(text: str) -> None:
    assert personal_numbers_mask(text) == text
