"""Staff login: the hall's lockout and address limits, a captcha, and a second factor (TOTP with
recovery codes) before /agency/ or /admin/ open; every step audited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.pagecheck import check_page
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Yibao2026test"


@pytest.fixture
def shenhe() -> Any:
    return UserFactory.create(username="shenhe-login", is_staff=True, is_superuser=True)


def password_step(client: Client, password: str = PASSWORD, next_url: str = "/agency/") -> Any:
    return client.post(
        "/agency/login/",
        {
            "username": "shenhe-login",
            "password": password,
            "captcha_0": "x",
            "captcha_1": "PASSED",
            "next": next_url,
        },
    )


def current_code(device: TOTPDevice, drift: int = 0) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{code:0{device.digits}d}"


def enrol(client: Client, shenhe: Any) -> list[str]:
    check_page(client.get("/agency/login/?next=/agency/"))
    assert password_step(client)["Location"].startswith("/agency/login/setup/")
    setup = client.get("/agency/login/setup/?next=/agency/")
    check_page(setup)
    page = setup.content.decode()
    assert "身份验证器绑定二维码" in page and "data:image/svg+xml" in page
    device = TOTPDevice.objects.get(user=shenhe, confirmed=False)
    response = client.post(
        "/agency/login/setup/?next=/agency/", {"code": current_code(device), "next": "/agency/"}
    )
    assert response["Location"].startswith("/agency/login/recovery-codes/")
    codes_response = client.get(response["Location"])
    check_page(codes_response)
    codes_page = codes_response.content.decode()
    codes = re.findall(r"<code>([0-9a-z]+)</code>", codes_page)
    assert len(codes) == 10
    return codes


def test_forty_wrong_passwords_lock_the_account_and_the_right_one_then_fails(
    client: Client, shenhe: Any
) -> None:
    for _ in range(40):
        assert password_step(client, password="wrong-Password1").status_code == 200
    page = password_step(client).content.decode()
    assert "账户已被锁定" in page or "登录失败次数过多" in page
    assert "_auth_user_id" not in client.session
    actions = set(AuditEvent.objects.filter(actor=shenhe).values_list("action", flat=True))
    assert {"login_failed", "account_locked"} <= actions


def test_the_first_login_enrols_an_app_then_opens_the_workbench_and_the_admin(
    client: Client, shenhe: Any
) -> None:
    enrol(client, shenhe)
    assert client.get("/agency/").status_code == 200
    assert client.get("/admin/").status_code == 200
    assert {"staff_otp_enrolled", "staff_login"} <= set(AuditEvent.objects.values_list("action", flat=True))


def test_a_later_login_asks_for_the_code_and_a_recovery_code_works_once(shenhe: Any, settings: Any) -> None:
    # django-otp also slows each device down after a failure (1 s, doubling); the account's
    # lockout counts the failures here, so the test does not wait
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
    codes = enrol(Client(), shenhe)
    device = TOTPDevice.objects.get(user=shenhe, confirmed=True)

    client = Client()
    assert password_step(client)["Location"].startswith("/agency/login/verify/")
    check_page(client.get("/agency/login/verify/"))
    assert client.get("/agency/").status_code == 302  # the password alone opens nothing
    wrong = client.post("/agency/login/verify/", {"code": "000000", "next": "/agency/"})
    assert "动态口令不正确或已过期" in wrong.content.decode()
    assert (
        client.post("/agency/login/verify/", {"code": codes[0], "next": "/agency/"})["Location"] == "/agency/"
    )
    assert client.get("/agency/").status_code == 200
    assert "staff_recovery_code_used" in set(AuditEvent.objects.values_list("action", flat=True))

    again = Client()
    password_step(again)
    reused = again.post("/agency/login/verify/", {"code": codes[0], "next": "/agency/"})
    assert "动态口令不正确或已过期" in reused.content.decode()
    device.refresh_from_db()
    replayed = again.post("/agency/login/verify/", {"code": current_code(device), "next": "/agency/"})
    assert "动态口令不正确或已过期" in replayed.content.decode()  # the enrolment's code: never twice
    next_code = current_code(device, drift=1)  # the app's next code, within the allowed drift
    assert again.post("/agency/login/verify/", {"code": next_code, "next": "/agency/"}).status_code == 302


def test_a_password_only_session_reaches_neither_the_workbench_nor_the_admin(
    client: Client, shenhe: Any
) -> None:
    client.force_login(shenhe)
    assert client.get("/agency/")["Location"] == "/agency/login/?next=/agency/"
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/agency/login/?next=")


def test_the_admin_login_page_is_the_staff_login(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/cases/")
    assert response["Location"] == "/agency/login/?next=%2Fadmin%2Fcases%2F"


def test_the_current_code_is_shown_only_with_development_affordances(
    client: Client, shenhe: Any, settings: Any
) -> None:
    settings.YIBAO_DEV_AFFORDANCES = False
    password_step(client)
    assert "开发环境" not in client.get("/agency/login/setup/").content.decode()
    settings.YIBAO_DEV_AFFORDANCES = True
    page = client.get("/agency/login/setup/").content.decode()
    device = TOTPDevice.objects.get(user=shenhe, confirmed=False)
    assert f"开发环境：当前动态口令为 <code>{current_code(device)}</code>" in page


def test_a_new_captcha_keeps_the_typed_password_and_a_wrong_one_is_not_shown_again(
    client: Client, shenhe: Any
) -> None:
    typed = {
        "username": "shenhe-login",
        "password": "Typed-Before-Refresh1",
        "captcha_0": "x",
        "captcha_1": "",
    }
    refreshed = check_page(client.post("/agency/login/", {**typed, "captcha_refresh": "1"}))
    assert refreshed.select_one("input[name=password]")["value"] == "Typed-Before-Refresh1"
    wrong = check_page(password_step(client, password="Wrong-Password-1"))
    assert "value" not in wrong.select_one("input[name=password]").attrs
    assert "no-cache" in client.get("/agency/login/")["Cache-Control"]
