import re

import pytest

from tests.pagecheck import check_page, visible_text
from yibao.accounts.models import SmsMessage
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import BindingFactory

NEW = "Changed12345"
CAPTCHA = {"captcha_0": "x", "captcha_1": "PASSED"}


@pytest.fixture
def operator(client):
    binding = BindingFactory.create()
    client.force_login(binding.operator.user)
    return binding.operator


def sent_code(phone: str) -> str:
    text = SmsMessage.objects.filter(phone=phone).latest("created_at").text
    return re.search(r"验证码：(\d{6})", text).group(1)


def errors(response, echoed=()) -> list[str]:
    return [li.get_text() for li in check_page(response, echoed=echoed).select(".error-summary li")]


@pytest.mark.django_db
def test_account_page_masks_numbers(client, operator, get_page) -> None:
    text = visible_text(get_page("/hall/account/"))
    assert operator.name in text
    assert f"{operator.mobile[:3]}****{operator.mobile[-4:]}" in text
    assert "未设置" in text


@pytest.mark.django_db
def test_change_password_with_id_sms_and_confirmation(
    client, operator, django_capture_on_commit_callbacks
) -> None:
    data = {"cert_no": operator.cert_no, "new_password": NEW, "new_password_confirm": NEW}
    echo = (operator.cert_no,)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/hall/account/password/", {**data, **CAPTCHA, "_send_sms": "1"})
    assert "短信验证码已发送至" in visible_text(check_page(response, echoed=echo))

    response = client.post("/hall/account/password/", {**data, "sms_code": sent_code(operator.mobile)})
    soup = check_page(response)
    assert "您当前正在进行数据变更操作，请确定是否继续？" in visible_text(soup)
    operator.user.refresh_from_db()
    assert not operator.user.check_password(NEW)  # nothing changes before 确定

    response = client.post("/hall/account/confirm/", {"confirm": "1"})
    soup = check_page(client.get(response["Location"]))
    assert "修改密码成功" in visible_text(soup)
    operator.user.refresh_from_db()
    assert operator.user.check_password(NEW)
    assert client.get("/hall/account/").status_code == 200  # still logged in
    assert AuditEvent.objects.filter(action="password_changed").count() == 1


@pytest.mark.django_db
def test_change_password_refuses_a_wrong_id(client, operator) -> None:
    data = {"cert_no": "11010519491231002X", "new_password": NEW, "new_password_confirm": NEW, **CAPTCHA}
    response = client.post("/hall/account/password/", {**data, "_send_sms": "1"})
    assert errors(response, ("11010519491231002X",)) == ["证件号码：证件号码与经办人登记的信息不一致"]
    assert SmsMessage.objects.count() == 0


@pytest.mark.django_db
def test_change_email_applies_after_confirmation(client, operator) -> None:
    soup = check_page(client.post("/hall/account/email/", {"email": "li.na@example.cn"}))
    assert "您当前正在进行数据变更操作，请确定是否继续？" in visible_text(soup)
    response = client.post("/hall/account/confirm/", {"confirm": "1"})
    assert "更新经办人信息成功" in visible_text(check_page(client.get(response["Location"])))
    operator.refresh_from_db()
    assert operator.email == "li.na@example.cn"


@pytest.mark.django_db
def test_cancel_changes_nothing(client, operator) -> None:
    client.post("/hall/account/address/", {"address": "昆明市五华区"})
    response = client.post("/hall/account/confirm/", {"cancel": "1"})
    assert "已取消，信息未变更" in visible_text(check_page(client.get(response["Location"])))
    operator.refresh_from_db()
    assert operator.address == ""


@pytest.mark.django_db
def test_bad_email_is_worded(client, operator) -> None:
    assert errors(client.post("/hall/account/email/", {"email": "not-an-email"})) == [
        "邮箱：请输入正确的邮箱地址，如 name@example.com"
    ]


@pytest.mark.django_db
def test_a_password_set_by_someone_else_must_be_changed_first(client, operator) -> None:
    user = operator.user
    user.must_change_password = True
    user.save()
    client.logout()
    response = client.post(
        "/hall/login/",
        {"kind": "operator", "mobile": operator.mobile, "password": "Yibao2026test", **CAPTCHA},
    )
    assert response["Location"] == "/hall/account/password/"
    assert client.get("/hall/")["Location"] == "/hall/account/password/"
    assert "您的密码由他人设置" in visible_text(check_page(client.get("/hall/account/password/")))


@pytest.mark.django_db
def test_account_pages_are_for_operators_only(client) -> None:
    binding = BindingFactory.create()
    assert client.get("/hall/account/")["Location"].startswith("/hall/login/")
    client.force_login(binding.unit.account)
    assert client.get("/hall/account/").status_code == 403
    assert client.post("/hall/account/confirm/", {"confirm": "1"}).status_code == 403
