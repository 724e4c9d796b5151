import datetime
import re

import pytest

from tests.clock import Clock
from yibao.accounts import sms_codes, sms_dispatch
from yibao.accounts.error_codes import SmsErrorCode
from yibao.accounts.models import SmsCode, SmsDispatch, SmsMessage, SmsPurpose
from yibao.accounts.sms_codes import sms_code_send, sms_code_verify
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError

PHONE = "13912345678"
REGISTER = SmsPurpose.REGISTER


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock.mid_morning()
    monkeypatch.setattr(sms_codes, "_now", clock)
    monkeypatch.setattr(sms_dispatch, "_now", clock)  # one clock: a code's expiry is the message's
    return clock


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def do(phone: str = PHONE, purpose: str = REGISTER, ip: str | None = "10.0.0.1") -> str:
        with django_capture_on_commit_callbacks(execute=True):
            sms_code_send(phone=phone, purpose=purpose, origin=RequestOrigin(ip_address=ip))
        text = SmsMessage.objects.filter(phone=phone).latest("created_at").text
        found = re.search(r"验证码：(\d{6})", text)
        assert found is not None, text
        return found.group(1)

    return do


def error_of(call) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        call()
    return caught.value


@pytest.mark.django_db
def test_a_code_is_sent_through_the_outbox_and_stored_hashed(send, clock) -> None:
    code = send()

    message = SmsMessage.objects.get()
    assert (message.phone, message.purpose) == (PHONE, REGISTER)
    assert message.text.startswith("【医保服务平台】您正在进行单位注册操作，验证码：")
    stored = SmsCode.objects.get()
    assert code not in stored.code_hash
    assert stored.expires_at - stored.created_at == datetime.timedelta(minutes=5)


@pytest.mark.django_db
def test_the_right_code_is_accepted_once(send, clock) -> None:
    code = send()
    sms_code_verify(phone=PHONE, purpose=REGISTER, code=code)
    assert (
        error_of(lambda: sms_code_verify(phone=PHONE, purpose=REGISTER, code=code)).code == SmsErrorCode.USED
    )


@pytest.mark.django_db
def test_a_code_is_bound_to_its_phone_and_purpose(send, clock) -> None:
    code = send()
    assert error_of(lambda: sms_code_verify(phone="13900000000", purpose=REGISTER, code=code)).code == (
        SmsErrorCode.NOT_SENT
    )
    assert (
        error_of(lambda: sms_code_verify(phone=PHONE, purpose=SmsPurpose.RECOVER_OPERATOR, code=code)).message
        == "请先获取短信验证码"
    )


@pytest.mark.django_db
def test_a_code_expires_after_five_minutes(send, clock) -> None:
    code = send()
    clock.move(minutes=5)
    error = error_of(lambda: sms_code_verify(phone=PHONE, purpose=REGISTER, code=code))
    assert (error.code, error.message) == (SmsErrorCode.EXPIRED, "短信验证码已过期，请重新获取")


@pytest.mark.django_db
def test_wrong_codes_are_counted_and_five_end_the_code(send, clock) -> None:
    code = send()
    wrong = "000000" if code != "000000" else "111111"
    messages = [
        error_of(lambda: sms_code_verify(phone=PHONE, purpose=REGISTER, code=wrong)).message for _ in range(5)
    ]
    assert messages[0] == "短信验证码不正确，还可尝试4次"
    assert messages[-1] == "短信验证码不正确，请重新获取"
    assert SmsCode.objects.get().attempts == 5
    error = error_of(lambda: sms_code_verify(phone=PHONE, purpose=REGISTER, code=code))
    assert error.code == SmsErrorCode.TOO_MANY_ATTEMPTS


@pytest.mark.django_db
def test_a_new_code_waits_sixty_seconds_and_replaces_the_old(send, clock) -> None:
    first = send()
    error = error_of(send)
    assert (error.code, error.message) == (SmsErrorCode.TOO_SOON, "验证码已发送，请60秒后再重新获取")
    clock.move(seconds=59)
    assert error_of(send).message == "验证码已发送，请1秒后再重新获取"
    clock.move(seconds=1)
    second = send()
    if first != second:
        assert (
            error_of(lambda: sms_code_verify(phone=PHONE, purpose=REGISTER, code=first)).code
            == SmsErrorCode.WRONG
        )
    sms_code_verify(phone=PHONE, purpose=REGISTER, code=second)


@pytest.mark.django_db
def test_daily_cap_per_phone(send, clock, settings) -> None:
    settings.YIBAO_SMS_DAILY_PER_PHONE = 3
    for _ in range(3):
        send()
        clock.move(seconds=61)
    error = error_of(send)
    assert (error.code, error.message) == (
        SmsErrorCode.DAILY_LIMIT,
        "今日获取短信验证码的次数已达上限，请明天再试",
    )


@pytest.mark.django_db
def test_daily_cap_per_address(send, clock, settings) -> None:
    settings.YIBAO_SMS_DAILY_PER_IP = 2
    send(phone="13900000001")
    send(phone="13900000002")
    assert error_of(lambda: send(phone="13900000003")).code == SmsErrorCode.DAILY_LIMIT
    send(phone="13900000003", ip="10.0.0.2")


@pytest.mark.django_db
def test_an_empty_code_is_refused_in_words(clock) -> None:
    assert (
        error_of(lambda: sms_code_verify(phone=PHONE, purpose=REGISTER, code=" ")).message
        == "请输入短信验证码"
    )


@pytest.mark.django_db
def test_unknown_purpose_is_a_programming_error(clock) -> None:
    with pytest.raises(ValueError):
        sms_code_send(phone=PHONE, purpose="nonsense")


@pytest.mark.django_db
def test_the_dev_outbox_page_lists_newest_first(client, send, clock) -> None:
    from tests.pagecheck import check_page

    send(phone="13900000001")
    clock.move(seconds=61)
    send(phone="13900000002", purpose=SmsPurpose.RECOVER_OPERATOR)
    soup = check_page(client.get("/_dev/sms/"), allow_mobiles=True)
    rows = [[td.get_text() for td in tr.select("td")][:2] for tr in soup.select("tbody tr")]
    assert rows == [["13900000002", "找回经办人密码"], ["13900000001", "单位注册"]]


@pytest.mark.django_db
def test_a_failing_gateway_does_not_fail_the_request_and_the_message_waits_for_a_retry(
    clock, settings, django_capture_on_commit_callbacks
) -> None:
    settings.YIBAO_SMS_BACKEND = "yibao.accounts.sms.HttpGatewayBackend"
    settings.YIBAO_SMS_GATEWAY_URL = "http://127.0.0.1:9/send"
    with django_capture_on_commit_callbacks(execute=True):
        sms_code_send(phone=PHONE, purpose=REGISTER)
    assert SmsCode.objects.count() == 1
    dispatch = SmsDispatch.objects.get()
    assert (dispatch.status, dispatch.attempts, dispatch.last_error) == (
        "queued",
        1,
        "短信发送失败，请稍后重试",
    )
    assert "验证码：" in dispatch.text  # kept until it is sent


@pytest.mark.django_db
def test_the_message_is_not_sent_after_the_code_expired(clock, monkeypatch) -> None:
    monkeypatch.setattr(sms_dispatch, "sms_dispatch_enqueue", lambda pk, run_after=None: True)  # Redis away
    record = sms_code_send(phone=PHONE, purpose=REGISTER)
    dispatch = SmsDispatch.objects.get()
    assert dispatch.not_after == record.expires_at == clock.now + datetime.timedelta(minutes=5)
    clock.move(minutes=5)
    assert sms_dispatch.sms_dispatch_send(dispatch.pk) == "expired"  # the task came too late
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.text, dispatch.last_error) == ("failed", "", "验证码已过期，未发送")
    assert not SmsMessage.objects.exists()


@pytest.mark.django_db
def test_the_code_is_stored_nowhere_in_clear(send, clock) -> None:
    from django_tasks_db.models import DBTaskResult

    code = send()
    assert DBTaskResult.objects.count() == 0
    assert code not in SmsCode.objects.get().code_hash
    dispatch = SmsDispatch.objects.get()
    assert (dispatch.status, dispatch.text, dispatch.phone) == ("sent", "", PHONE)  # blanked once sent
