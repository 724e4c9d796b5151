import re

import pytest

from tests.pagecheck import check_page, visible_text
from yibao.accounts.models import SmsMessage
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import BindingFactory

NEW = "Newpass12345"
CAPTCHA = {"captcha_0": "x", "captcha_1": "PASSED"}


def errors(response, echoed=()) -> list[str]:
    soup = check_page(response, echoed=echoed)
    return [li.get_text() for li in soup.select(".error-summary li")]


def sent_code(phone: str) -> str:
    text = SmsMessage.objects.filter(phone=phone).latest("created_at").text
    return re.search(r"验证码：(\d{6})", text).group(1)


@pytest.fixture
def binding():
    return BindingFactory.create()


def uscc_details(binding, **extra) -> dict[str, str]:
    unit = binding.unit
    return {
        "unit_name": unit.name,
        "uscc": unit.uscc,
        "legal_rep_name": unit.legal_rep_name,
        "legal_rep_cert_type": "01",
        "legal_rep_cert_no": unit.legal_rep_cert_no,
        "verifier": "operator",
        "verifier_name": binding.operator.name,
        "mobile": binding.operator.mobile,
        "new_password": NEW,
        "new_password_confirm": NEW,
        **CAPTCHA,
        **extra,
    }


@pytest.mark.django_db
def test_unit_recovers_by_uscc_through_a_bound_operator(
    client, binding, django_capture_on_commit_callbacks
) -> None:
    url = "/hall/password-recovery/unit-uscc/"
    data = uscc_details(binding)
    echo = (binding.unit.legal_rep_cert_no, binding.operator.mobile)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "_send_sms": "1"})
    assert f"短信验证码已发送至{binding.operator.mobile[:3]}****" in visible_text(
        check_page(response, echoed=echo)
    )

    response = client.post(url, {**data, "sms_code": sent_code(binding.operator.mobile)})
    assert response["Location"] == "/hall/password-recovery/done/"
    soup = check_page(client.get("/hall/password-recovery/done/"))
    assert "新密码设置成功" in visible_text(soup)
    assert binding.unit.account.username in visible_text(soup)
    binding.unit.account.refresh_from_db()
    assert binding.unit.account.check_password(NEW)
    assert AuditEvent.objects.filter(action="password_recovered").count() == 1


@pytest.mark.django_db
def test_unit_recovers_by_uscc_through_the_legal_representative(
    client, binding, django_capture_on_commit_callbacks
) -> None:
    """The legal representative's details vouch; the code goes to the phone typed."""
    unit = binding.unit
    data = uscc_details(
        binding, verifier="legal_rep", verifier_name=unit.legal_rep_name, mobile=unit.legal_rep_mobile
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/hall/password-recovery/unit-uscc/", {**data, "_send_sms": "1"})
    code = sent_code(unit.legal_rep_mobile)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/hall/password-recovery/unit-uscc/", {**data, "sms_code": code})
    assert response["Location"] == "/hall/password-recovery/done/"
    assert SmsMessage.objects.filter(phone=unit.legal_rep_mobile).count() == 1  # no notice to itself


@pytest.mark.django_db
def test_a_new_operator_recovers_with_their_own_phone_and_the_legal_rep_is_told(
    client, binding, django_capture_on_commit_callbacks
) -> None:
    """Issue 20 item 17, Yunnan 000 §1.1: «此处的经办人手机号可以填写本人（新经办人）的手机号»."""
    unit = binding.unit
    own = "13700001111"  # bound to nothing
    data = uscc_details(binding, verifier="legal_rep", verifier_name=unit.legal_rep_name, mobile=own)
    echo = (unit.legal_rep_cert_no, own)
    url = "/hall/password-recovery/unit-uscc/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "_send_sms": "1"})
    assert "短信验证码已发送至137****1111" in visible_text(check_page(response, echoed=echo))
    assert not SmsMessage.objects.filter(phone=unit.legal_rep_mobile).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "sms_code": sent_code(own)})
    assert response["Location"] == "/hall/password-recovery/done/"
    unit.account.refresh_from_db()
    assert unit.account.check_password(NEW)
    notice = SmsMessage.objects.get(phone=unit.legal_rep_mobile).text
    assert f"单位账号{unit.account.username}的登录密码已通过“找回密码”重置" in notice
    assert "137****1111" in notice
    assert AuditEvent.objects.filter(action="password_recovery_notified").count() == 1


@pytest.mark.django_db
def test_the_legal_rep_way_needs_the_legal_reps_details_and_a_phone(client, binding) -> None:
    unit = binding.unit
    url = "/hall/password-recovery/unit-uscc/"
    base = uscc_details(
        binding, verifier="legal_rep", verifier_name=unit.legal_rep_name, mobile="13700001111"
    )
    echo = (unit.legal_rep_cert_no, "13700001111")
    response = client.post(url, {**base, "mobile": "", "_send_sms": "1"})
    assert errors(response, echo) == ["经办人手机号：请输入经办人手机号"]
    response = client.post(url, {**base, "verifier_name": binding.operator.name + "x", "_send_sms": "1"})
    assert errors(response, echo)[0].startswith("填写的信息与系统登记的信息不一致")
    assert SmsMessage.objects.count() == 0


@pytest.mark.django_db
def test_wrong_details_get_one_generic_answer_and_are_limited(client, binding) -> None:
    url = "/hall/password-recovery/unit-uscc/"
    echo = (binding.unit.legal_rep_cert_no, binding.operator.mobile, "13900000000")
    cases = [
        {"unit_name": "别的单位"},
        {"verifier_name": "别人"},
        {"mobile": "13900000000"},
    ]
    for left, extra in zip((4, 3, 2), cases, strict=True):
        response = client.post(url, {**uscc_details(binding, **extra), "_send_sms": "1"})
        assert errors(response, echo) == [
            f"填写的信息与系统登记的信息不一致，请核对后重新输入（还可尝试{left}次）"
        ]
    client.post(url, {**uscc_details(binding, unit_name="x"), "_send_sms": "1"})
    response = client.post(url, {**uscc_details(binding, unit_name="y"), "_send_sms": "1"})
    soup = check_page(response, echoed=echo)
    assert soup.select_one(".error-summary") is None
    assert soup.select_one(".blocked-box p").get_text() == "验证失败次数过多，请10分钟后再试"
    response = client.post(url, {**uscc_details(binding), "_send_sms": "1"})
    soup = check_page(response, echoed=echo)
    assert soup.select_one(".blocked-box h2").get_text() == "暂时无法找回密码"
    assert soup.select_one(".blocked-box p").get_text() == "验证失败次数过多，请10分钟后再试"
    assert SmsMessage.objects.count() == 0


@pytest.mark.django_db
def test_unit_recovers_by_account(client, binding, django_capture_on_commit_callbacks) -> None:
    data = {
        "account": binding.unit.account.username,
        "uscc": binding.unit.uscc,
        "operator_name": binding.operator.name,
        "mobile": binding.operator.mobile,
        "new_password": NEW,
        "new_password_confirm": NEW,
        **CAPTCHA,
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/hall/password-recovery/unit-account/", {**data, "_send_sms": "1"})
    response = client.post(
        "/hall/password-recovery/unit-account/", {**data, "sms_code": sent_code(binding.operator.mobile)}
    )
    assert response["Location"] == "/hall/password-recovery/done/"


@pytest.mark.django_db
def test_operator_recovers_by_mobile_and_id(client, binding, django_capture_on_commit_callbacks) -> None:
    operator = binding.operator
    data = {
        "mobile": operator.mobile,
        "cert_no": operator.cert_no,
        "new_password": NEW,
        "new_password_confirm": NEW,
    }
    echo = (operator.mobile, operator.cert_no)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/hall/password-recovery/operator/", {**data, **CAPTCHA, "_send_sms": "1"})
    # The captcha was answered to send the code; it is needed again only to resend.
    soup = check_page(
        client.post("/hall/password-recovery/operator/", {**data, "sms_code": "000000x"}), echoed=echo
    )
    assert "图形验证码" not in " ".join(li.get_text() for li in soup.select(".error-summary li"))
    response = client.post(
        "/hall/password-recovery/operator/", {**data, "sms_code": sent_code(operator.mobile)}
    )
    assert response["Location"] == "/hall/password-recovery/done/"
    operator.user.refresh_from_db()
    assert operator.user.check_password(NEW)


@pytest.mark.django_db
def test_the_new_password_follows_the_policy(client, binding) -> None:
    operator = binding.operator
    data = {
        "mobile": operator.mobile,
        "cert_no": operator.cert_no,
        "new_password": "short",
        "sms_code": "123456",
    }
    echo = (operator.mobile, operator.cert_no)
    assert errors(client.post("/hall/password-recovery/operator/", {**data, **CAPTCHA}), echo)[:2] == [
        "新密码：请输入8-16位字符密码，必须由数字、字母组成",
        "确认密码：请输入确认密码",
    ]
