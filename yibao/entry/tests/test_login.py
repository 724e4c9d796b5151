import pytest

from tests.clock import Clock
from tests.pagecheck import check_page, visible_text
from yibao.accounts import lockout
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import BindingFactory, UnitFactory, UserFactory
from yibao.operators.models import Binding

PASSWORD = "Yibao2026test"


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(lockout, "_now", clock)
    return clock


def unit_login(client, account: str, password: str = PASSWORD, **extra):
    return client.post(
        "/hall/login/",
        {
            "kind": "unit",
            "account": account,
            "password": password,
            "captcha_0": "x",
            "captcha_1": "PASSED",
            **extra,
        },
    )


def operator_login(client, mobile: str, password: str = PASSWORD):
    return client.post(
        "/hall/login/",
        {"kind": "operator", "mobile": mobile, "password": password, "captcha_0": "x", "captcha_1": "PASSED"},
    )


def form_errors(response) -> list[str]:
    soup = check_page(response)
    return [li.get_text() for li in soup.select(".error-summary li")]


def invalid(left: int) -> list[str]:
    return [f"账号或密码错误，还可尝试{left}次（连续失败5次，账户将被锁定10分钟）"]


def blocked(response) -> list[str]:
    """A lockout: shown under its own title, with no «提交的信息有误» summary."""
    soup = check_page(response)
    assert soup.select_one(".error-summary") is None
    box = soup.select_one(".blocked-box")
    assert box is not None
    return [p.get_text() for p in box.select("h2, p")]


@pytest.mark.django_db
def test_login_page_has_both_tabs_with_captcha(get_page) -> None:
    soup = get_page("/hall/login/")
    assert [a.get_text() for a in soup.select(".tabs a")] == ["单位账号登录", "经办人账号登录"]
    labels = [label.get_text().lstrip("*") for label in soup.select(".login__form .field__label")]
    assert labels == ["单位账号/统一社会信用代码", "密码", "图形验证码"]
    assert soup.select_one(".captcha-box img")["src"].startswith("/captcha/image/")
    assert soup.find("a", string="忘记密码") is not None
    assert soup.find("a", string="立即注册")["href"] == "/hall/register/"
    soup = get_page("/hall/login/?tab=operator")
    labels = [label.get_text().lstrip("*") for label in soup.select(".login__form .field__label")]
    assert labels == ["经办人手机号", "密码", "图形验证码"]


@pytest.mark.django_db
def test_unit_admin_logs_in_by_account_and_lands_on_the_unit_home(client) -> None:
    unit = UnitFactory.create()
    session_before = client.session.session_key
    response = unit_login(client, unit.account.username)
    assert (response.status_code, response["Location"]) == (302, "/hall/unit/")
    assert client.session.session_key != session_before
    soup = check_page(client.get("/hall/unit/"))
    assert unit.name in visible_text(soup)
    assert AuditEvent.objects.filter(action="login", actor=unit.account).count() == 1


@pytest.mark.django_db
def test_unit_admin_logs_in_by_uscc(client) -> None:
    unit = UnitFactory.create()
    response = unit_login(client, unit.uscc.lower())
    assert response["Location"] == "/hall/unit/"


@pytest.mark.django_db
def test_the_beijing_profile_has_no_uscc_login(client, settings) -> None:
    settings.YIBAO_PROFILE = "beijing"
    unit = UnitFactory.create()
    assert form_errors(unit_login(client, unit.uscc)) == invalid(4)
    assert unit_login(client, unit.account.username).status_code == 302


@pytest.mark.django_db
def test_wrong_password_and_unknown_account_get_the_same_answer(client) -> None:
    unit = UnitFactory.create()
    assert form_errors(unit_login(client, unit.account.username, "Wrong12345")) == invalid(4)
    assert form_errors(unit_login(client, "nobody0001")) == invalid(4)
    assert AuditEvent.objects.filter(action="login_failed").count() == 2


@pytest.mark.django_db
def test_the_captcha_is_checked(client) -> None:
    unit = UnitFactory.create()
    errors = form_errors(unit_login(client, unit.account.username, captcha_1="WRONG"))
    assert errors == ["图形验证码：图形验证码不正确，请重新输入"]


@pytest.mark.django_db
def test_empty_fields_say_what_is_missing(client) -> None:
    errors = form_errors(client.post("/hall/login/", {"kind": "unit"}))
    assert errors == [
        "单位账号/统一社会信用代码：请输入单位账号或统一社会信用代码",
        "密码：请输入密码",
        "图形验证码：请输入图形验证码",
    ]


@pytest.mark.django_db
def test_five_failures_lock_the_account_for_ten_minutes(client, clock) -> None:
    unit = UnitFactory.create()
    account = unit.account.username
    # Each failure says how many tries are left before the lock (issue 20 item 17).
    for left in (4, 3, 2, 1):
        assert form_errors(unit_login(client, account, "Wrong12345")) == invalid(left)
    locked = [
        "账户已锁定",
        "登录失败次数过多，账户已被锁定，请10分钟后再试",
        "如忘记密码，可点击下方“忘记密码”找回，设置新密码后账户立即解锁。",
    ]
    assert blocked(unit_login(client, account, "Wrong12345")) == locked
    # Even the right password is refused while locked.
    assert blocked(unit_login(client, account)) == locked
    clock.move(minutes=6)
    assert blocked(unit_login(client, account))[1] == "登录失败次数过多，账户已被锁定，请4分钟后再试"
    clock.move(minutes=4)
    assert unit_login(client, account).status_code == 302
    assert AuditEvent.objects.filter(action="account_locked").count() == 1


@pytest.mark.django_db
def test_failures_are_limited_per_address(client, clock, settings) -> None:
    settings.YIBAO_LOGIN_FAILURES_PER_IP = 3
    unit = UnitFactory.create()
    for n in range(3):
        unit_login(client, f"guess{n:04d}x")
    assert blocked(unit_login(client, unit.account.username)) == [
        "暂时无法登录",
        "登录失败次数过多，请稍后再试",
    ]


@pytest.mark.django_db
def test_operator_logs_in_chooses_a_unit_and_switches(client) -> None:
    first = BindingFactory.create()
    second = BindingFactory.create(operator=first.operator)
    mobile = first.operator.mobile

    response = operator_login(client, mobile)
    assert response["Location"] == "/hall/login/choose-unit/"
    soup = check_page(client.get("/hall/login/choose-unit/"))
    assert len(soup.select("input[type=radio]")) == 2

    response = client.post("/hall/login/choose-unit/", {"unit": second.unit.pk})
    assert response["Location"] == "/hall/"
    soup = check_page(client.get("/hall/"))
    assert soup.select_one("#unit-switcher option[selected]").get_text() == second.unit.name

    response = client.post("/hall/switch-unit/", {"unit": first.unit.pk})
    soup = check_page(client.get(response["Location"]))
    assert soup.select_one("#unit-switcher option[selected]").get_text() == first.unit.name
    assert f"已切换到：{first.unit.name}" in visible_text(soup)


@pytest.mark.django_db
def test_an_operator_cannot_choose_or_switch_to_a_foreign_unit(client) -> None:
    binding = BindingFactory.create()
    foreign = UnitFactory.create()
    operator_login(client, binding.operator.mobile)
    errors = form_errors(client.post("/hall/login/choose-unit/", {"unit": foreign.pk}))
    assert errors == ["选择单位：请选择您已绑定的单位"]
    client.post("/hall/login/choose-unit/", {"unit": binding.unit.pk})
    client.post("/hall/switch-unit/", {"unit": foreign.pk})
    soup = check_page(client.get("/hall/"))
    assert soup.select_one("#unit-switcher option[selected]").get_text() == binding.unit.name


@pytest.mark.django_db
def test_unbinding_takes_effect_on_the_next_request(client) -> None:
    binding = BindingFactory.create()
    operator_login(client, binding.operator.mobile)
    client.post("/hall/login/choose-unit/", {"unit": binding.unit.pk})
    Binding.objects.filter(pk=binding.pk).update(status=Binding.Status.UNBOUND)
    response = client.get("/hall/")
    assert response["Location"] == "/hall/login/choose-unit/"


@pytest.mark.django_db
def test_hall_pages_are_closed_to_the_wrong_kind_of_user(client) -> None:
    unit = UnitFactory.create()
    binding = BindingFactory.create()
    assert client.get("/hall/")["Location"].startswith("/hall/login/?next=")
    unit_login(client, unit.account.username)
    # Issue 20 item 17: not a bare 404 but a hall page saying which account the page needs.
    soup = check_page(client.get("/hall/"), status=403)
    assert soup.h1.get_text() == "此页面需使用经办人账号登录"
    assert "您当前使用单位管理账号登录" in visible_text(soup)
    assert soup.select_one(".site-header__user").get_text() == unit.account.username
    assert soup.find("a", string="返回单位管理首页")["href"] == "/hall/unit/"
    client.post("/hall/logout/")
    operator_login(client, binding.operator.mobile)
    client.post("/hall/login/choose-unit/", {"unit": binding.unit.pk})
    soup = check_page(client.get(f"/hall/operators/{binding.pk}/grants/"), status=403)
    assert soup.h1.get_text() == "此页面需使用单位管理账号登录"
    text = visible_text(soup)
    assert "您当前使用经办人账号登录" in text
    assert "请退出后在“单位账号登录”中使用单位账号登录" in text
    assert soup.find("a", string="返回单位网厅首页")["href"] == "/hall/"
    assert soup.select_one("form[action='/hall/logout/'] button").get_text() == "退出登录"
    staff = UserFactory.create(is_staff=True)
    client.force_login(staff)
    assert check_page(client.get("/hall/"), status=403).h1.get_text() == "此页面需使用经办人账号登录"


@pytest.mark.django_db
def test_logout_ends_the_session(client) -> None:
    unit = UnitFactory.create()
    unit_login(client, unit.account.username)
    response = client.post("/hall/logout/")
    assert response["Location"] == "/"
    assert client.get("/hall/unit/").status_code == 302
    assert AuditEvent.objects.filter(action="logout").count() == 1


@pytest.mark.django_db
def test_logout_needs_post(client) -> None:
    unit = UnitFactory.create()
    unit_login(client, unit.account.username)
    assert client.get("/hall/logout/").status_code == 405


@pytest.mark.django_db
def test_after_login_the_operator_returns_to_the_hall_page_asked_for(client) -> None:
    binding = BindingFactory.create()
    assert client.get("/hall/account/")["Location"] == "/hall/login/?next=/hall/account/"
    response = client.post(
        "/hall/login/",
        {
            "kind": "operator",
            "mobile": binding.operator.mobile,
            "password": PASSWORD,
            "next": "/hall/account/",
        }
        | {"captcha_0": "x", "captcha_1": "PASSED"},
    )
    assert response["Location"] == "/hall/login/choose-unit/"
    assert client.post("/hall/login/choose-unit/", {"unit": binding.unit.pk})["Location"] == "/hall/account/"


@pytest.mark.django_db
def test_next_never_leaves_the_site(client) -> None:
    unit = UnitFactory.create()
    response = unit_login(client, unit.account.username, next="https://evil.example/hall/unit/")
    assert response["Location"] == "/hall/unit/"


@pytest.mark.django_db
def test_one_lockout_whichever_identifier_is_typed(client, clock) -> None:
    unit = UnitFactory.create()
    for _ in range(3):
        unit_login(client, unit.account.username, "Wrong12345")
    unit_login(client, unit.uscc, "Wrong12345")
    assert (
        blocked(unit_login(client, unit.uscc, "Wrong12345"))[1]
        == "登录失败次数过多，账户已被锁定，请10分钟后再试"
    )
    assert (
        blocked(unit_login(client, unit.account.username))[1]
        == "登录失败次数过多，账户已被锁定，请10分钟后再试"
    )


@pytest.mark.django_db
def test_failures_store_no_typed_mobile_in_clear(client, clock) -> None:
    from yibao.accounts.models import LoginFailure

    operator_login(client, "13900001234", "Wrong12345")
    assert LoginFailure.objects.get().account_key.startswith("typed:")
    assert "13900001234" not in str(AuditEvent.objects.get(action="login_failed").after)


def test_client_address_trusts_only_the_configured_proxies(settings) -> None:
    from django.test import RequestFactory

    from yibao.core.audit import client_address

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_address(request) == "10.0.0.9"
    settings.YIBAO_TRUSTED_PROXIES = 1
    assert client_address(request) == "203.0.113.7"


@pytest.mark.django_db
def test_after_login_the_unit_admin_returns_only_to_its_own_pages(client) -> None:
    unit = UnitFactory.create()
    assert unit_login(client, unit.account.username, next="/hall/messages/")["Location"] == "/hall/messages/"
    client.post("/hall/logout/")
    for elsewhere in ("/hall/account/", "/hall/queries/roster/", "/hall/no-such-page/", "/hall/login/"):
        assert unit_login(client, unit.account.username, next=elsewhere)["Location"] == "/hall/unit/"
        client.post("/hall/logout/")


@pytest.mark.django_db
def test_after_login_a_step_of_the_login_is_no_page_to_return_to(client) -> None:
    binding = BindingFactory.create()
    for step in ("/hall/login/choose-unit/", "/hall/logout/", "/hall/login/"):
        client.post(
            "/hall/login/",
            {"kind": "operator", "mobile": binding.operator.mobile, "password": PASSWORD, "next": step}
            | {"captcha_0": "x", "captcha_1": "PASSED"},
        )
        assert client.post("/hall/login/choose-unit/", {"unit": binding.unit.pk})["Location"] == "/hall/"
        client.post("/hall/logout/")


@pytest.mark.django_db
def test_a_mobile_typed_as_a_unit_account_leads_to_the_operator_tab(client) -> None:
    from yibao.accounts.models import LoginFailure

    binding = BindingFactory.create()
    mobile = binding.operator.mobile
    response = unit_login(client, mobile)
    soup = check_page(response, echoed=(mobile,))
    assert soup.select_one(".error-summary") is None
    assert soup.select_one(".tabs a[aria-current]").get_text() == "经办人账号登录"
    assert "手机号码是经办人账号，已为您切换到“经办人账号登录”" in visible_text(soup)
    assert soup.select_one("input[name=mobile]")["value"] == mobile
    assert soup.select_one("input[name=password]")["value"] == PASSWORD
    assert soup.select_one("input[name=kind]")["value"] == "operator"
    assert not LoginFailure.objects.exists()  # nothing was checked, nothing counted


@pytest.mark.django_db
def test_a_unit_account_typed_as_a_mobile_leads_to_the_unit_tab(client) -> None:
    unit = UnitFactory.create()
    response = operator_login(client, unit.account.username)
    soup = check_page(response)
    assert soup.select_one(".tabs a[aria-current]").get_text() == "单位账号登录"
    assert "经办人账号为手机号码" in visible_text(soup)
    assert soup.select_one("input[name=account]")["value"] == unit.account.username
    # A mistyped mobile (digits only) is not moved: it is answered as a failed login.
    assert form_errors(operator_login(client, "1380000000")) == invalid(4)


@pytest.mark.django_db
def test_beijing_has_one_login_box_for_both_kinds_of_account(client, settings, get_page) -> None:
    settings.YIBAO_PROFILE = "beijing"
    soup = get_page("/hall/login/?tab=operator")
    assert soup.select(".tabs a") == []
    labels = [label.get_text() for label in soup.select(".login__form .field__label")]
    assert labels[0] == "单位账号/经办人账号"
    binding = BindingFactory.create()
    assert unit_login(client, binding.unit.account.username)["Location"] == "/hall/unit/"
    client.post("/hall/logout/")
    assert unit_login(client, binding.operator.mobile)["Location"] == "/hall/login/choose-unit/"
    assert AuditEvent.objects.filter(action="login").count() == 2


@pytest.mark.django_db
def test_yunnan_logs_units_in_with_the_unit_account_only(client, settings) -> None:
    settings.YIBAO_PROFILE = "yunnan"
    unit = UnitFactory.create()
    assert form_errors(unit_login(client, unit.uscc)) == invalid(4)
    assert unit_login(client, unit.account.username)["Location"] == "/hall/unit/"
