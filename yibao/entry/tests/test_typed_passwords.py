"""Issue 20 item 11: a page that posts back (发送验证码, 换一张, a region's 选择) shows again the
passwords typed before, so nobody retypes them; a password the server found wrong is not shown
again, and such pages are never cached."""

import pytest
from bs4 import BeautifulSoup

from tests.pagecheck import check_page
from yibao.core.tests.factories import BindingFactory, OperatorFactory
from yibao.entry.tests.test_registration import ECHO, MOBILE, OPERATOR_STEP, UNIT_STEP

CAPTCHA = {"captcha_0": "x", "captcha_1": "PASSED"}


def typed(soup: BeautifulSoup, name: str) -> str:
    field = soup.find("input", attrs={"name": name})
    assert field is not None, name
    assert field["type"] == "password"
    return str(field.get("value", ""))


def assert_not_cached(response) -> None:
    assert "no-store" in response["Cache-Control"]


@pytest.fixture
def step_one(client) -> None:
    response = client.post("/hall/register/", UNIT_STEP)
    assert response.status_code == 302


@pytest.mark.django_db
def test_registration_step_two_keeps_both_passwords_after_send_code(
    client, step_one, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/hall/register/operator/", {**OPERATOR_STEP, "_send_sms": "1"})
    soup = check_page(response, echoed=ECHO)
    assert "短信验证码已发送至" in soup.get_text()
    assert typed(soup, "password") == OPERATOR_STEP["password"]
    assert typed(soup, "password_confirm") == OPERATOR_STEP["password_confirm"]
    assert_not_cached(response)


@pytest.mark.django_db
def test_registration_step_two_keeps_passwords_after_captcha_refresh(client, step_one) -> None:
    response = client.post("/hall/register/operator/", {**OPERATOR_STEP, "_captcha_refresh": "1"})
    soup = check_page(response, echoed=ECHO)
    assert typed(soup, "password") == OPERATOR_STEP["password"]
    assert typed(soup, "password_confirm") == OPERATOR_STEP["password_confirm"]


@pytest.mark.django_db
def test_registration_step_one_keeps_passwords_after_choosing_a_region(client) -> None:
    response = client.post(
        "/hall/register/", {**UNIT_STEP, "admdvs_1": "", "admdvs_2": "", "_region_refresh": "admdvs"}
    )
    soup = check_page(response, echoed=ECHO)
    assert typed(soup, "password") == UNIT_STEP["password"]
    assert typed(soup, "password_confirm") == UNIT_STEP["password_confirm"]
    assert_not_cached(response)


@pytest.mark.django_db
def test_registration_forgets_an_existing_operators_wrong_password(
    client, step_one, django_capture_on_commit_callbacks
) -> None:
    OperatorFactory.create(mobile=MOBILE)
    data = {"mobile": MOBILE, "password": "WrongPass123", **CAPTCHA}
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/hall/register/operator/", {**data, "_send_sms": "1"})
    from yibao.entry.tests.test_recovery import sent_code

    response = client.post("/hall/register/operator/", {**data, "sms_code": sent_code(MOBILE)})
    soup = check_page(response, echoed=ECHO)
    assert "经办人密码填写错误" in soup.get_text()
    assert typed(soup, "password") == ""


@pytest.mark.django_db
def test_recovery_keeps_the_new_passwords_after_send_code(client, django_capture_on_commit_callbacks) -> None:
    binding = BindingFactory.create()
    data = {
        "mobile": binding.operator.mobile,
        "cert_no": binding.operator.cert_no,
        "new_password": "Newpass12345",
        "new_password_confirm": "Newpass12345",
        **CAPTCHA,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/hall/password-recovery/operator/", {**data, "_send_sms": "1"})
    soup = check_page(response, echoed=(binding.operator.mobile, binding.operator.cert_no))
    assert "短信验证码已发送至" in soup.get_text()
    assert typed(soup, "new_password") == "Newpass12345"
    assert typed(soup, "new_password_confirm") == "Newpass12345"
    assert_not_cached(response)


@pytest.mark.django_db
def test_password_change_keeps_the_new_passwords_after_send_code(
    client, django_capture_on_commit_callbacks
) -> None:
    binding = BindingFactory.create()
    client.force_login(binding.operator.user)
    data = {
        "cert_no": binding.operator.cert_no,
        "new_password": "Changed12345",
        "new_password_confirm": "Changed12345",
        **CAPTCHA,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/hall/account/password/", {**data, "_send_sms": "1"})
    soup = check_page(response, echoed=(binding.operator.cert_no,))
    assert "短信验证码已发送至" in soup.get_text()
    assert typed(soup, "new_password") == "Changed12345"
    assert typed(soup, "new_password_confirm") == "Changed12345"


@pytest.mark.django_db
def test_login_keeps_the_password_after_a_new_captcha_and_forgets_a_wrong_one(client) -> None:
    binding = BindingFactory.create()
    data = {"kind": "operator", "mobile": binding.operator.mobile, "password": "Yibao2026test", **CAPTCHA}
    response = client.post("/hall/login/", {**data, "_captcha_refresh": "1"})
    soup = check_page(response, echoed=(binding.operator.mobile,))
    assert typed(soup, "password") == "Yibao2026test"
    assert_not_cached(response)

    response = client.post("/hall/login/", {**data, "captcha_1": "WRONG"})
    assert typed(check_page(response, echoed=(binding.operator.mobile,)), "password") == "Yibao2026test"

    response = client.post("/hall/login/", {**data, "password": "NotMine12345"})
    soup = check_page(response, echoed=(binding.operator.mobile,))
    assert "账号或密码错误" in soup.get_text()
    assert typed(soup, "password") == ""
