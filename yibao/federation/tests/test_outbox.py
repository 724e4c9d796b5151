"""The outbox to the national platform: written with the change, delivered by the real task over
real HTTP to a real receiver (this test server: the same code answers as the national
instance), once, in order per unit, and kept while the endpoint is away."""

from __future__ import annotations

import datetime
import http.server
import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from yibao.core.models import AuditEvent
from yibao.core.tests.factories import UnitFactory
from yibao.federation.delivery import backoff, outbox_deliver
from yibao.federation.models import OutboxEvent, ReceivedEvent
from yibao.federation.outbox import outbox_event_add
from yibao.federation.receiver import events_receive
from yibao.federation.signing import NONCE, answer_headers, request_headers

SECRET = "federation-secret-for-tests-Lm3Qx8Rt5Vw2Yz7Bc4Nd9"
KIND = OutboxEvent.Kind.UNIT_CHANGED


@pytest.fixture
def federation(settings: Any, live_server: Any, reference_data: None) -> str:
    settings.YIBAO_FEDERATION_SECRET = SECRET
    settings.YIBAO_NATIONAL_URL = live_server.url
    settings.YIBAO_FEDERATION_SOURCE = "yunnan"
    return str(live_server.url)


def add(uscc: str = "91530112MA6NQ2P807", n: int = 0) -> OutboxEvent:
    with transaction.atomic():
        event = outbox_event_add(kind=KIND, unit_uscc=uscc, payload={"changed": {"address": f"地址{n}"}})
    assert event is not None
    return event


def received() -> list[tuple[str, str]]:
    return [(str(k), p["changed"]["address"]) for k, p in ReceivedEvent.objects.values_list("key", "payload")]


@pytest.mark.django_db
def test_nothing_is_written_while_federation_is_off(settings: Any) -> None:
    settings.YIBAO_NATIONAL_URL = ""
    UnitFactory.create()
    assert outbox_event_add(kind=KIND, unit_uscc="x", payload={}) is None
    assert OutboxEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_an_event_exists_only_with_its_change(federation: str, settings: Any) -> None:
    settings.YIBAO_NATIONAL_URL = "http://127.0.0.1:9"  # nobody listens: the event stays queued
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_event_add(kind=KIND, unit_uscc="91530112MA6NQ2P807", payload={})
        raise RuntimeError
    assert OutboxEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_task_delivers_on_commit_once_and_in_order(federation: str) -> None:
    # The test settings run tasks at once: committing each event delivers it.
    events = [add(n=n) for n in range(3)]
    assert received() == [(str(e.key), f"地址{n}") for n, e in enumerate(events)]
    assert [e.previous_key for e in ReceivedEvent.objects.all()] == [None, events[0].key, events[1].key]
    assert not OutboxEvent.objects.filter(delivered_at__isnull=True).exists()
    assert outbox_deliver().sent == 0  # delivered events are not sent again
    assert ReceivedEvent.objects.get(key=events[0].key).source == "yunnan"


@pytest.mark.django_db(transaction=True)
def test_registration_changes_and_bindings_become_events(federation: str, settings: Any) -> None:
    settings.YIBAO_NATIONAL_URL = "http://127.0.0.1:9"
    from yibao.core.audit import RequestOrigin
    from yibao.core.tests.factories import OperatorFactory
    from yibao.operators.services import binding_activate, operator_unbind
    from yibao.units.services import unit_base_info_update

    unit = UnitFactory.create()
    admin = unit.account
    assert admin is not None
    first, second = OperatorFactory.create(), OperatorFactory.create()
    origin = RequestOrigin(ip_address="127.0.0.1", user_agent="test")
    binding_activate(unit=unit, operator=first, actor=admin, origin=origin, new_account=False)
    binding = binding_activate(unit=unit, operator=second, actor=admin, origin=origin, new_account=False)
    unit_base_info_update(unit=unit, actor=admin, legal_rep_mobile="13900001111", address="新地址1号")
    operator_unbind(unit=unit, binding_id=binding.pk, actor=admin, origin=origin)
    kinds = list(OutboxEvent.objects.filter(unit_uscc=unit.uscc).values_list("kind", flat=True))
    assert kinds == ["operator_bound", "operator_bound", "unit_changed", "operator_unbound"]
    changed = OutboxEvent.objects.get(kind="unit_changed").payload
    assert changed == {"changed": {"legal_rep_mobile": "13900001111", "address": "新地址1号"}}


@pytest.mark.django_db(transaction=True)
def test_while_the_endpoint_is_down_nothing_is_lost(federation: str, settings: Any) -> None:
    live = settings.YIBAO_NATIONAL_URL
    settings.YIBAO_NATIONAL_URL = "http://127.0.0.1:9"
    events = [add(n=n) for n in range(3)]
    queued = OutboxEvent.objects.get(pk=events[0].pk)
    assert queued.attempts >= 1 and queued.last_error.startswith("无法连接国家平台")
    assert queued.next_attempt_at > timezone.now()
    assert ReceivedEvent.objects.count() == 0
    settings.YIBAO_NATIONAL_URL = live
    OutboxEvent.objects.update(next_attempt_at=timezone.now())  # the back-off has passed
    report = outbox_deliver()
    assert (report.sent, report.delivered) == (3, 3)
    assert [k for k, _ in received()] == [str(e.key) for e in events]


@pytest.mark.django_db(transaction=True)
def test_an_event_waits_for_its_units_earlier_one(federation: str, settings: Any) -> None:
    settings.YIBAO_NATIONAL_URL = "http://127.0.0.1:9"
    first, second = add(n=1), add(n=2)
    other_unit = add(uscc="91110000802100433B", n=3)
    OutboxEvent.objects.update(next_attempt_at=timezone.now())
    OutboxEvent.objects.filter(pk=first.pk).update(
        next_attempt_at=timezone.now() + datetime.timedelta(hours=1)
    )
    settings.YIBAO_NATIONAL_URL = federation
    report = outbox_deliver()
    # Only the other unit's event went: the second waits for the first, which waits for its retry.
    assert report.sent == 1 and [k for k, _ in received()] == [str(other_unit.key)]
    OutboxEvent.objects.filter(pk=first.pk).update(next_attempt_at=timezone.now())
    assert outbox_deliver().delivered == 2
    assert [k for k, _ in received()] == [str(other_unit.key), str(first.key), str(second.key)]


@pytest.mark.django_db(transaction=True)
def test_a_unit_waiting_for_a_retry_does_not_hold_up_the_others(federation: str, settings: Any) -> None:
    from yibao.federation.delivery import next_attempt

    settings.YIBAO_NATIONAL_URL, settings.YIBAO_FEDERATION_BATCH = "http://127.0.0.1:9", 5
    waiting = [add(n=n) for n in range(8)]  # more than a batch, all behind the first
    other = add(uscc="91110000802100433B", n=99)
    later = timezone.now() + datetime.timedelta(hours=1)
    OutboxEvent.objects.update(next_attempt_at=timezone.now())
    OutboxEvent.objects.filter(pk=waiting[0].pk).update(next_attempt_at=later)
    settings.YIBAO_NATIONAL_URL = federation
    report = outbox_deliver()
    assert (report.sent, report.delivered) == (1, 1) and [k for k, _ in received()] == [str(other.key)]
    # The next round is due when the first in line is, not at once (no task loop meanwhile).
    assert next_attempt() == OutboxEvent.objects.get(pk=waiting[0].pk).next_attempt_at


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_round_leaves_a_lease_that_runs_out(federation: str, settings: Any) -> None:
    settings.YIBAO_NATIONAL_URL = "http://127.0.0.1:9"
    event = add()
    now = timezone.now()
    OutboxEvent.objects.update(
        next_attempt_at=now, lease_owner=uuid.uuid4(), lease_until=now + datetime.timedelta(minutes=1)
    )
    settings.YIBAO_NATIONAL_URL = federation
    assert outbox_deliver().sent == 0  # held by the (dead) worker
    OutboxEvent.objects.update(lease_until=now - datetime.timedelta(seconds=1))
    assert outbox_deliver().delivered == 1
    assert [k for k, _ in received()] == [str(event.key)]


@pytest.mark.django_db(transaction=True)
def test_a_round_killed_after_its_claim_is_taken_up_by_its_watchdog(
    federation: str, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from yibao.federation import delivery

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["sms", "default"]}
    }  # a queue that defers
    event = add()
    DBTaskResult.objects.all().delete()  # the delivery its commit asked for: this test runs the round

    def killed(events: list[OutboxEvent]) -> dict[str, str]:
        raise SystemExit("SIGKILL")  # the worker dies mid-round, after the claim

    with monkeypatch.context() as patched:
        patched.setattr(delivery, "_send", killed)
        with pytest.raises(SystemExit):
            delivery.outbox_deliver_task.call()
    held = OutboxEvent.objects.get(pk=event.pk)
    assert held.delivered_at is None and held.lease_until is not None
    assert held.lease_until > timezone.now()
    watchdog = DBTaskResult.objects.get()
    assert watchdog.args_kwargs["kwargs"] == {"watchdog": True}
    assert watchdog.run_after == held.lease_until + datetime.timedelta(seconds=delivery.LEASE_MARGIN_SECONDS)

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert received() == []  # not due: the lease still holds

    past = timezone.now() - datetime.timedelta(seconds=1)  # the lease and its margin are over
    OutboxEvent.objects.update(lease_until=past - datetime.timedelta(seconds=delivery.LEASE_MARGIN_SECONDS))
    DBTaskResult.objects.filter(pk=watchdog.pk).update(run_after=past)
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    assert [k for k, _ in received()] == [str(event.key)]
    assert OutboxEvent.objects.get(pk=event.pk).delivered_at is not None
    assert DBTaskResult.objects.get(pk=watchdog.pk).status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_one_watchdog_at_a_time_and_it_watches_a_lease_still_held(
    federation: str, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django_tasks_db.models import DBTaskResult

    from yibao.federation import delivery

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["sms", "default"]}}
    settings.YIBAO_NATIONAL_URL = "http://127.0.0.1:9"
    add()
    DBTaskResult.objects.all().delete()
    until = timezone.now() + datetime.timedelta(minutes=1)
    OutboxEvent.objects.update(next_attempt_at=timezone.now(), lease_owner=uuid.uuid4(), lease_until=until)
    delivery.outbox_deliver_task.call(watchdog=True)  # another round holds the event
    delivery.outbox_deliver_task.call()
    [watchdog] = DBTaskResult.objects.filter(args_kwargs__kwargs__watchdog=True)
    assert watchdog.run_after == until + datetime.timedelta(seconds=delivery.LEASE_MARGIN_SECONDS)


def test_deliver_outbox_enqueue_at_worker_start(settings: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    settings.YIBAO_NATIONAL_URL = ""
    out = StringIO()
    call_command("deliver_outbox", "--enqueue", stdout=out)
    assert "无需同步" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_delivery_whose_answer_was_lost_is_not_received_twice(federation: str) -> None:
    event = add()
    OutboxEvent.objects.update(
        delivered_at=None, next_attempt_at=timezone.now()
    )  # as if the answer never came
    report = outbox_deliver()
    assert (report.sent, report.delivered) == (1, 1)
    assert ReceivedEvent.objects.filter(key=event.key).count() == 1


class _Answer(http.server.BaseHTTPRequestHandler):
    status = 500
    body = b"oops"
    signed = False
    delay = 0.0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        time.sleep(self.delay)
        self.send_response(self.status)
        if self.signed:
            for name, value in answer_headers(self.body, nonce=self.headers[NONCE]).items():
                self.send_header(name, value)
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def bad_endpoint() -> Iterator[tuple[type[_Answer], str]]:
    handler = type("Handler", (_Answer,), {})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("status", "body", "signed", "error"),
    [(500, b"oops", False, "国家平台返回 HTTP 500"),
     (200, b'{"results": {}}', False, "国家平台的应答未经签名或签名无效"),
     (200, b"<html>", True, "国家平台的应答无法识别"),
     (200, b'{"results": []}', True, "国家平台的应答无法识别"),
     (200, b'{"results": {}}', True, "国家平台未答复该事件")],
)  # fmt: skip
def test_errors_and_garbage_are_retried_with_back_off(
    federation: str, settings: Any, bad_endpoint: Any, status: int, body: bytes, signed: bool, error: str
) -> None:
    handler, url = bad_endpoint
    handler.status, handler.body, handler.signed = status, body, signed
    settings.YIBAO_NATIONAL_URL = url
    event = add()
    event.refresh_from_db()
    assert (event.delivered_at, event.attempts, event.last_error) == (None, 1, error)
    assert event.next_attempt_at >= timezone.now() + backoff(1) - datetime.timedelta(seconds=2)


@pytest.mark.django_db(transaction=True)
def test_a_slow_endpoint_times_out_and_is_retried(federation: str, settings: Any, bad_endpoint: Any) -> None:
    handler, url = bad_endpoint
    handler.status, handler.body, handler.signed, handler.delay = 200, b'{"results": {}}', True, 2.0
    settings.YIBAO_NATIONAL_URL, settings.YIBAO_FEDERATION_TIMEOUT_SECONDS = url, 1
    event = add()
    event.refresh_from_db()
    assert (event.delivered_at, event.attempts) == (None, 1)
    assert event.last_error.startswith("无法连接国家平台") and "timed out" in event.last_error


def test_back_off_doubles_up_to_an_hour() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert backoff(30).total_seconds() == 3600


@pytest.mark.django_db
def test_a_forged_stale_replayed_or_misdirected_call_is_refused_and_audited(
    client: Client, settings: Any
) -> None:
    settings.YIBAO_FEDERATION_SECRET = SECRET
    body = json.dumps({"events": []}).encode()
    url = "/api/internal/federation/events/"
    headers = request_headers(body, path=url)
    forged = {**headers, "X-Yibao-Signature": "0" * 64}
    stale = request_headers(body, path=url, now=timezone.now().timestamp() - 600)
    elsewhere = request_headers(body, path="/api/internal/federation/verify-account/")
    other_source = {**request_headers(body, path=url), "X-Yibao-Source": "beijing"}
    for sent in (forged, stale, elsewhere, other_source, {"Content-Type": "application/json"}):
        response = client.post(url, body, content_type="application/json", headers=sent)
        assert response.status_code == 401
    assert AuditEvent.objects.filter(action="federation_signature_refused").count() == 5
    ok = client.post(url, body, content_type="application/json", headers=headers)
    assert ok.status_code == 200 and ok.json() == {"ok": True, "results": {}}
    # The answer is signed for this request's nonce, and the same request cannot be sent twice.
    from yibao.federation.signing import answer_valid

    answered = {name: ok[name] for name in ("X-Yibao-Timestamp", "X-Yibao-Signature")}
    assert answer_valid(ok.content, nonce=headers[NONCE], headers=answered)
    assert not answer_valid(ok.content, nonce="another-nonce-0000", headers=answered)
    assert client.post(url, body, content_type="application/json", headers=headers).status_code == 401
    settings.YIBAO_FEDERATION_SECRET = ""
    assert client.post(url, body, content_type="application/json", headers=headers).status_code == 404


@pytest.mark.django_db
def test_the_receiver_keeps_order_and_refuses_malformed_events() -> None:
    first, second = str(uuid.uuid4()), str(uuid.uuid4())

    def event(key: str, previous: str | None, **extra: Any) -> dict[str, Any]:
        return {"key": key, "previous_key": previous, "unit_uscc": "91530112MA6NQ2P807", "kind": "unit_changed",
                "payload": {"changed": {}}, "created_at": timezone.now().isoformat(), **extra}  # fmt: skip

    assert events_receive(source="yunnan", events=[event(second, first)]) == {second: "out_of_order"}
    assert events_receive(source="yunnan", events=[event(first, None), event(second, first)]) == {
        first: "accepted",
        second: "accepted",
    }
    assert events_receive(source="yunnan", events=[event(first, None)]) == {first: "duplicate"}
    bad = str(uuid.uuid4())
    assert events_receive(source="yunnan", events=[event(bad, None, kind="drop_table")]) == {
        bad: "rejected:fields"
    }
    assert ReceivedEvent.objects.count() == 2
