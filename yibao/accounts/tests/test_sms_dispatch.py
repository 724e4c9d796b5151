"""SMS through the task queue: written with the caller's transaction, claimed once, retried with
back-off, given up after the last attempt, and recovered after a lost enqueue or a killed worker.
The tests' immediate backend runs the task when the dispatch commits; the clock is moved, never
slept on."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction

from tests.clock import Clock
from yibao.accounts import sms_dispatch as dispatching
from yibao.accounts.error_codes import SmsErrorCode
from yibao.accounts.models import SmsDispatch, SmsMessage, SmsPurpose
from yibao.accounts.sms import OutboxBackend
from yibao.accounts.sms_dispatch import (
    sms_dispatch,
    sms_dispatch_send,
    sms_dispatches_recover,
)
from yibao.core.errors import ApplicationError

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


class FlakyBackend:
    """Fails while `down` is set, else delivers to the outbox."""

    down = False
    calls = 0

    def send(self, *, phone: str, text: str, purpose: str = "") -> None:
        FlakyBackend.calls += 1
        if FlakyBackend.down:
            raise ApplicationError(SmsErrorCode.SEND_FAILED, "短信发送失败，请稍后重试")
        OutboxBackend().send(phone=phone, text=text, purpose=purpose)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock.mid_morning()
    monkeypatch.setattr(dispatching, "_now", clock)
    return clock


@pytest.fixture
def flaky(settings: Any) -> Iterator[type[FlakyBackend]]:
    settings.YIBAO_SMS_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.down, FlakyBackend.calls = True, 0
    yield FlakyBackend
    FlakyBackend.down = False


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Run `call` as if its transaction committed (the enqueues it asked for run)."""

    def run(call: Callable[[], Any]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def queue(
    text: str = "验证码：123456", *, secret: bool = True, not_after: datetime.datetime | None = None
) -> SmsDispatch:
    """A message whose transaction has not committed yet (its task not enqueued)."""
    return sms_dispatch(
        phone=PHONE, text=text, purpose=SmsPurpose.REGISTER, secret=secret, not_after=not_after
    )


def recovered(**counts: int) -> dict[str, int]:
    """What a recovery reports: `counts` over zeros."""
    return {"enqueued": 0, "failed": 0, "expired": 0, "deleted": 0} | counts


def state(row: SmsDispatch) -> tuple[str, int, str]:
    row.refresh_from_db()
    return row.status, row.attempts, row.text


def test_a_message_is_sent_once_its_transaction_commits(clock: Clock, committed: Callable[..., Any]) -> None:
    row = committed(lambda: queue(secret=False))
    assert state(row) == ("sent", 1, "验证码：123456")  # not a secret: the text stays
    assert SmsMessage.objects.get().text == "验证码：123456"
    assert (row.finished_at, row.lease_until, row.claimed_at) == (clock.now, None, None)


def test_a_rolled_back_transaction_sends_nothing(clock: Clock, committed: Callable[..., Any]) -> None:
    def rolled_back() -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            queue()
            raise RuntimeError

    committed(rolled_back)
    assert not SmsDispatch.objects.exists() and not SmsMessage.objects.exists()


def test_a_secret_text_is_blanked_once_sent(clock: Clock, committed: Callable[..., Any]) -> None:
    row = committed(queue)
    assert state(row) == ("sent", 1, "")
    assert (row.phone, row.purpose) == (PHONE, SmsPurpose.REGISTER)


def test_a_row_is_claimed_by_one_run_only(clock: Clock) -> None:
    row = queue()
    assert sms_dispatch_send(row.pk) == "sent"
    assert sms_dispatch_send(row.pk) == "skipped"  # a duplicate task
    assert SmsMessage.objects.count() == 1


def test_a_claim_held_by_a_live_worker_is_left_alone_until_its_lease_runs_out(clock: Clock) -> None:
    row = queue()
    assert dispatching._claim(row.pk, clock.now) is not None  # a worker took it, then died
    clock.move(seconds=59)
    assert sms_dispatch_send(row.pk) == "skipped"
    clock.move(seconds=2)
    assert sms_dispatch_send(row.pk) == "sent"  # past the lease: a second attempt
    assert state(row) == ("sent", 2, "")
    assert SmsMessage.objects.count() == 1


def test_a_failure_is_retried_with_back_off(
    clock: Clock, flaky: type[FlakyBackend], committed: Callable[..., Any]
) -> None:
    row = committed(queue)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("queued", 1, "短信发送失败，请稍后重试")
    assert row.next_attempt_at == clock.now + datetime.timedelta(seconds=10)
    assert row.text == "验证码：123456"  # kept for the retry
    assert dispatching.backoff(2) == datetime.timedelta(seconds=30)

    clock.move(seconds=30)  # the retry is due, but its run has not started (immediate backend: none)
    assert committed(sms_dispatches_recover) == recovered()  # within its lease
    flaky.down = False
    clock.move(seconds=41)  # the retry and its lease have passed: recovery sends it
    assert committed(sms_dispatches_recover) == recovered(enqueued=1)
    assert state(row) == ("sent", 2, "")
    assert SmsMessage.objects.count() == 1
    assert committed(sms_dispatches_recover) == recovered()  # idempotent


def test_a_deferring_queue_gets_the_retry_at_its_time(
    clock: Clock, flaky: type[FlakyBackend], monkeypatch: pytest.MonkeyPatch
) -> None:
    enqueued: list[tuple[int, datetime.datetime | None]] = []
    monkeypatch.setattr(type(dispatching.sms_dispatch_run.get_backend()), "supports_defer", True)
    monkeypatch.setattr(
        dispatching, "sms_dispatch_enqueue", lambda pk, run_after=None: enqueued.append((pk, run_after))
    )
    row = queue()
    assert sms_dispatch_send(row.pk) == "retry"
    # a second past the due time: RQ's scheduler keeps whole seconds and may run a job early
    assert enqueued == [(row.pk, clock.now + datetime.timedelta(seconds=11))]


def test_the_task_has_a_queue_of_its_own_that_the_backend_accepts() -> None:
    task = dispatching.sms_dispatch_run
    assert task.queue_name == "sms"
    task.get_backend().validate_task(task)  # "sms" is among the backend's QUEUES
    assert from_settings("YIBAO_TASK_QUEUES") == ["sms", "default"]  # workers take sms first


def from_settings(name: str) -> Any:
    from django.conf import settings

    return getattr(settings, name)


def test_a_duplicate_task_does_not_claim_before_the_back_off_ends(
    clock: Clock, flaky: type[FlakyBackend]
) -> None:
    row = queue()
    assert sms_dispatch_send(row.pk) == "retry"  # due again in 10 s
    assert sms_dispatch_send(row.pk) == "skipped"  # a duplicate that recovery left in the queue
    clock.move(seconds=9)
    assert sms_dispatch_send(row.pk) == "skipped"
    assert flaky.calls == 1 and state(row) == ("queued", 1, "验证码：123456")
    flaky.down = False
    clock.move(seconds=1)  # the back-off is over: the deferred run claims it
    assert sms_dispatch_send(row.pk) == "sent"
    assert state(row) == ("sent", 2, "")


def test_a_run_that_came_early_asks_for_another_at_the_due_time(
    clock: Clock, flaky: type[FlakyBackend], monkeypatch: pytest.MonkeyPatch
) -> None:
    enqueued: list[tuple[int, datetime.datetime | None]] = []
    monkeypatch.setattr(type(dispatching.sms_dispatch_run.get_backend()), "supports_defer", True)
    monkeypatch.setattr(
        dispatching, "sms_dispatch_enqueue", lambda pk, run_after=None: enqueued.append((pk, run_after))
    )
    row = queue()
    assert sms_dispatch_send(row.pk) == "retry"
    due = clock.now + datetime.timedelta(seconds=11)
    clock.move(seconds=9.5)  # a worker's clock behind the scheduler's
    assert sms_dispatch_send(row.pk) == "skipped"
    assert enqueued == [(row.pk, due), (row.pk, due)]
    flaky.down = False
    clock.move(seconds=1.5)
    assert [sms_dispatch_send(row.pk) for _ in enqueued] == ["sent", "skipped"]  # one of the two sends
    assert len(enqueued) == 2 and flaky.calls == 2


def test_a_code_that_expired_before_it_could_go_is_not_sent(clock: Clock) -> None:
    row = queue(not_after=clock.now + datetime.timedelta(minutes=5))
    clock.move(minutes=4)
    assert dispatching._claim(row.pk, clock.now) is not None  # a worker took it in time, then died
    clock.move(seconds=61)  # its lease and the code are over
    assert sms_dispatch_send(row.pk) == "expired"
    assert state(row) == ("failed", 2, "")
    assert (row.last_error, row.finished_at) == ("验证码已过期，未发送", clock.now)
    assert not SmsMessage.objects.exists()
    assert sms_dispatch_send(row.pk) == "skipped"


def test_a_code_still_failing_when_it_expires_is_given_up(
    clock: Clock, flaky: type[FlakyBackend], committed: Callable[..., Any]
) -> None:
    row = committed(lambda: queue(not_after=clock.now + datetime.timedelta(seconds=30)))
    clock.move(seconds=10)
    assert sms_dispatch_send(row.pk) == "retry"  # the second failure: due again in 30 s
    clock.move(seconds=30)
    assert sms_dispatch_send(row.pk) == "expired"
    assert state(row) == ("failed", 3, "") and flaky.calls == 2


def test_a_message_without_not_after_is_sent_however_late(clock: Clock) -> None:
    row = queue("您的单位找回申请已通过", secret=False)
    clock.move(days=1)
    assert sms_dispatch_send(row.pk) == "sent"


def test_the_last_failure_gives_up_blanks_the_text_and_logs(
    clock: Clock, flaky: type[FlakyBackend], settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.YIBAO_SMS_ATTEMPTS = 2
    row = queue()
    assert sms_dispatch_send(row.pk) == "retry"
    clock.move(seconds=10)
    with caplog.at_level(logging.ERROR, logger="yibao.accounts.sms_dispatch"):
        assert sms_dispatch_send(row.pk) == "failed"
    assert state(row) == ("failed", 2, "")
    assert row.last_error == "短信发送失败，请稍后重试" and row.finished_at == clock.now
    assert "139****5678" in caplog.text and PHONE not in caplog.text
    assert sms_dispatch_send(row.pk) == "skipped" and flaky.calls == 2


def test_a_worker_killed_on_the_last_attempt_ends_as_failed(
    clock: Clock, settings: Any, committed: Callable[..., Any]
) -> None:
    settings.YIBAO_SMS_ATTEMPTS = 1
    row = queue()
    dispatching._claim(row.pk, clock.now)
    clock.move(seconds=61)
    assert committed(sms_dispatches_recover) == recovered(failed=1)
    assert state(row) == ("failed", 1, "")
    assert row.last_error == dispatching.INTERRUPTED
    assert not SmsMessage.objects.exists()


def test_a_lost_enqueue_loses_nothing(
    clock: Clock, monkeypatch: pytest.MonkeyPatch, committed: Callable[..., Any]
) -> None:
    def redis_down(*args: Any) -> None:
        raise ConnectionError("Redis is away")

    with monkeypatch.context() as patched:
        patched.setattr(type(dispatching.sms_dispatch_run.get_backend()), "enqueue", redis_down)
        row = committed(queue)  # the enqueue fails: no error for the caller
    assert state(row) == ("queued", 0, "验证码：123456")
    assert committed(sms_dispatches_recover) == recovered()
    clock.move(seconds=61)
    assert committed(sms_dispatches_recover) == recovered(enqueued=1)
    assert state(row) == ("sent", 1, "")
    assert SmsMessage.objects.count() == 1


def test_recovery_gives_up_the_codes_that_expired_unsent(
    clock: Clock, monkeypatch: pytest.MonkeyPatch, committed: Callable[..., Any]
) -> None:
    with monkeypatch.context() as patched:  # no task runs: Redis was away at the enqueue
        patched.setattr(dispatching, "sms_dispatch_enqueue", lambda pk, run_after=None: True)
        code = committed(lambda: queue(not_after=clock.now + datetime.timedelta(seconds=30)))
        notice = committed(lambda: queue("密码已重置", secret=False, not_after=clock.now))
        held = committed(lambda: queue("验证码：654321", not_after=clock.now))
        late = committed(lambda: queue("验证码：111111", not_after=clock.now + datetime.timedelta(hours=1)))
    dispatching._claim(held.pk, clock.now)  # a live worker is sending it
    clock.move(seconds=31)  # every lease holds, the codes are past their not_after
    assert committed(sms_dispatches_recover) == recovered(expired=2)
    assert state(code) == ("failed", 0, "") and code.last_error == "验证码已过期，未发送"
    assert state(notice) == ("failed", 0, "密码已重置")  # not a secret: the text stays
    assert state(held)[0] == "queued" and state(late) == ("queued", 0, "验证码：111111")
    assert committed(sms_dispatches_recover) == recovered()  # idempotent
    clock.move(seconds=30)  # the held run's lease is over: it is given up, not sent again
    assert committed(sms_dispatches_recover) == recovered(expired=1, enqueued=1)
    assert state(held) == ("failed", 1, "")
    assert state(late) == ("sent", 1, "")
    assert [m.text for m in SmsMessage.objects.all()] == ["验证码：111111"]


def test_recovery_deletes_finished_rows_past_the_keeping_days(
    clock: Clock, settings: Any, committed: Callable[..., Any]
) -> None:
    settings.YIBAO_SMS_KEEP_DAYS = 30
    sent, failed, recent = committed(queue), queue(), committed(queue)
    SmsDispatch.objects.filter(pk=failed.pk).update(status="failed", finished_at=clock.now)
    waiting = queue()  # queued as long ago: never deleted, recovery sends it
    SmsDispatch.objects.exclude(pk=recent.pk).update(created_at=clock.now - datetime.timedelta(days=40))
    SmsDispatch.objects.filter(pk=recent.pk).update(finished_at=clock.now + datetime.timedelta(days=1))
    clock.move(days=30, seconds=1)
    assert committed(sms_dispatches_recover) == recovered(deleted=2, enqueued=1)
    assert set(SmsDispatch.objects.values_list("pk", "status")) == {(recent.pk, "sent"), (waiting.pk, "sent")}
    assert {sent.pk, failed.pk}.isdisjoint(SmsDispatch.objects.values_list("pk", flat=True))


def test_the_recover_command_reports(clock: Clock, settings: Any, committed: Callable[..., Any]) -> None:
    from io import StringIO

    from django.core.management import call_command

    settings.YIBAO_SMS_KEEP_DAYS = 7
    committed(queue)
    clock.move(days=8)
    out = StringIO()
    committed(lambda: call_command("sms_dispatch_recover", stdout=out))
    assert (
        "短信：重新排队0条，标记发送失败0条，验证码已过期未发送0条，删除7天前的发送记录1条" in out.getvalue()
    )


def test_the_admin_masks_the_phone_and_hides_secret_texts(admin_client: Any, clock: Clock) -> None:
    secret, notice = queue("验证码：654321"), queue("密码已重置", secret=False)
    page = admin_client.get(f"/admin/accounts/smsdispatch/{secret.pk}/change/").content.decode()
    assert "139****5678" in page and PHONE not in page
    assert "654321" not in page and "含验证码或密码，不显示" in page
    assert (
        "密码已重置" in admin_client.get(f"/admin/accounts/smsdispatch/{notice.pk}/change/").content.decode()
    )
    listing = admin_client.get("/admin/accounts/smsdispatch/").content.decode()
    assert "139****5678" in listing and PHONE not in listing
