import re

import pytest
from django.utils import timezone

from tests.clock import Clock
from tests.pagecheck import check_page, visible_text
from yibao.accounts import sms_codes
from yibao.accounts.models import SmsMessage, User
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import OperatorFactory, UnitFactory
from yibao.federation.models import CoreUnit
from yibao.operators.models import Binding, Operator
from yibao.units.models import Unit

USCC = "91530112MA6NQ2P807"
UNIT_STEP = {
    "account": "dw20261123",
    "password": "Abcd12345678",
    "password_confirm": "Abcd12345678",
    "name": "昆明云岭科技有限公司",
    "emp_type": "10",
    "admdvs_0": "530000",
    "admdvs_1": "530100",
    "admdvs_2": "530112",
    "uscc": USCC,
    "address": "云南省昆明市西山区滇池路100号",
    "postcode": "650000",
    "legal_rep_name": "张伟",
    "legal_rep_cert_type": "01",
    "legal_rep_cert_no": "530112199003071230",
    "legal_rep_mobile": "13988887777",
    "captcha_0": "x",
    "captcha_1": "PASSED",
}
MOBILE = "13812340000"
OPERATOR_STEP = {
    "mobile": MOBILE,
    "password": "Efgh12345678",
    "password_confirm": "Efgh12345678",
    "name": "李娜",
    "cert_type": "01",
    "cert_no": "11010519491231002X",
    "valid_from": "2020-01-01",
    "valid_to": "2040-01-01",
    "captcha_0": "x",
    "captcha_1": "PASSED",
}
ECHO = ("530112199003071230", "13988887777", "11010519491231002X", MOBILE)


def errors(response) -> list[str]:
    soup = check_page(response, echoed=ECHO)
    return [li.get_text() for li in soup.select(".error-summary li")]


def send_code(client, mobile: str = MOBILE, django_capture_on_commit_callbacks=None) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/hall/register/operator/", {**OPERATOR_STEP, "mobile": mobile, "_send_sms": "1"}
        )
    assert f"短信验证码已发送至{mobile[:3]}****{mobile[-4:]}" in visible_text(
        check_page(response, echoed=ECHO)
    )
    text = SmsMessage.objects.filter(phone=mobile).latest("created_at").text
    return re.search(r"验证码：(\d{6})", text).group(1)


@pytest.fixture
def step_one(client) -> None:
    response = client.post("/hall/register/", UNIT_STEP)
    assert response.status_code == 302, errors(response)
    assert response["Location"] == "/hall/register/operator/"


@pytest.mark.django_db
def test_step_one_checks_every_field_in_words(client) -> None:
    data = {
        **UNIT_STEP,
        "account": "单位",
        "password_confirm": "Different123",
        "uscc": "91530112MA6NQ2P808",
        "postcode": "12",
        "legal_rep_cert_no": "530112199003071231",
        "legal_rep_mobile": "12345",
        "admdvs_2": "",
    }
    assert errors(client.post("/hall/register/", data)) == [
        "账号：账号不支持中文",
        "确认密码：两次输入的密码不一致",
        "医保区划：请选择区县",
        "统一社会信用代码：统一社会信用代码校验位不正确",
        "邮政编码：邮政编码应为6位数字",
        "法定代表人证件号码：身份证号码校验位不正确",
        "法定代表人移动电话：请输入正确的手机号码",
    ]
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_a_registered_uscc_is_refused_with_a_pointer_to_recovery(client) -> None:
    UnitFactory.create(uscc=USCC)
    assert errors(client.post("/hall/register/", UNIT_STEP)) == [
        "统一社会信用代码：该统一社会信用代码已注册，请直接登录；如忘记账号或密码，请通过“忘记密码”找回"
    ]


@pytest.mark.django_db
def test_going_back_keeps_step_one(client, step_one) -> None:
    response = client.post("/hall/register/operator/", {"_back": "1"})
    assert response["Location"] == "/hall/register/"
    soup = check_page(client.get("/hall/register/"), echoed=ECHO)
    assert soup.select_one("#id_account")["value"] == "dw20261123"
    assert soup.select_one("#id_admdvs_2 option[selected]")["value"] == "530112"
    assert "密码已设置" in visible_text(soup)
    # Submitting again without retyping the password keeps it.
    data = {**UNIT_STEP, "password": "", "password_confirm": ""}
    assert client.post("/hall/register/", data)["Location"] == "/hall/register/operator/"


@pytest.mark.django_db
def test_step_two_needs_step_one(client) -> None:
    assert client.get("/hall/register/operator/")["Location"] == "/hall/register/"


@pytest.mark.django_db
def test_register_with_a_new_operator(client, step_one, django_capture_on_commit_callbacks) -> None:
    code = send_code(client, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert Unit.objects.count() == 0  # nothing saved before the last step

    response = client.post("/hall/register/operator/", {**OPERATOR_STEP, "sms_code": code})
    assert response["Location"] == "/hall/register/done/", errors(response)

    soup = check_page(client.get("/hall/register/done/"))
    text = visible_text(soup)
    assert "恭喜您，注册成功！" in text
    assert "dw20261123" in text
    assert "138****0000" in text
    assert soup.find("a", attrs={"data-module": "countdown-redirect"})["href"] == "/hall/login/"
    unit = Unit.objects.get(uscc=USCC)
    assert (unit.account.username, unit.account.kind, unit.division_id) == ("dw20261123", "unit", "530112")
    assert unit.account.check_password("Abcd12345678")
    operator = Operator.objects.get(mobile=MOBILE)
    assert operator.user.check_password("Efgh12345678")
    assert Binding.objects.filter(unit=unit, operator=operator).count() == 1
    assert AuditEvent.objects.filter(action="unit_registered", unit=unit).count() == 1
    # The operator's account and binding are opened by operators' services, which record the binding.
    bound = AuditEvent.objects.get(action="operator_bound", unit=unit)
    assert (bound.actor, bound.after["operator"], bound.after["new_account"]) == (
        unit.account,
        operator.pk,
        True,
    )
    assert operator.cert_valid_from is not None and not operator.user.must_change_password


@pytest.mark.django_db
def test_register_with_an_existing_operator_asks_for_its_password(
    client, step_one, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    clock = Clock()
    monkeypatch.setattr(sms_codes, "_now", clock)
    existing = OperatorFactory.create(mobile=MOBILE)
    code = send_code(client, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    soup = check_page(client.get("/hall/register/operator/"), echoed=ECHO)
    assert "该手机号已被注册过，无需填写经办人信息" in visible_text(soup)
    assert soup.select_one("#id_name") is None

    # Without the phone's code nobody learns whether the password is right, nor is it counted.
    guess = {
        "mobile": MOBILE,
        "password": "NotIt12345",
        "sms_code": "000000" if code != "000000" else "111111",
    }
    assert errors(client.post("/hall/register/operator/", guess)) == [
        "短信验证码：短信验证码不正确，还可尝试4次"
    ]
    wrong = {"mobile": MOBILE, "password": "NotIt12345", "sms_code": code}
    assert errors(client.post("/hall/register/operator/", wrong)) == [
        "经办人密码：经办人密码填写错误，还可尝试4次（连续失败5次，账户将被锁定10分钟）"
    ]
    # The wrong password did not spend the code: the same code goes with the right password,
    # with no new code and no 60-second wait (issue 20 item 17).
    assert sms_codes.seconds_until_resend(phone=MOBILE, purpose="register") > 0
    right = {"mobile": MOBILE, "password": "Yibao2026test", "sms_code": code}
    assert client.post("/hall/register/operator/", right)["Location"] == "/hall/register/done/"
    unit = Unit.objects.get(uscc=USCC)
    assert list(Binding.objects.filter(unit=unit).values_list("operator", flat=True)) == [existing.pk]
    assert Operator.objects.count() == 1
    assert AuditEvent.objects.get(action="operator_bound", unit=unit).after["new_account"] is False


@pytest.mark.django_db
def test_sms_code_problems_are_worded(client, step_one, django_capture_on_commit_callbacks) -> None:
    assert "短信验证码：请先获取短信验证码" in errors(
        client.post("/hall/register/operator/", {**OPERATOR_STEP, "sms_code": "123456"})
    )
    code = send_code(client, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    wrong = "000000" if code != "000000" else "111111"
    assert errors(client.post("/hall/register/operator/", {**OPERATOR_STEP, "sms_code": wrong})) == [
        "短信验证码：短信验证码不正确，还可尝试4次"
    ]
    response = client.post("/hall/register/operator/", {**OPERATOR_STEP, "_send_sms": "1"})
    assert "短信验证码：验证码已发送，请" in " ".join(errors(response))


@pytest.mark.django_db
def test_sending_a_code_needs_the_captcha_and_a_mobile(client, step_one) -> None:
    data = {**OPERATOR_STEP, "captcha_1": "WRONG", "_send_sms": "1"}
    assert errors(client.post("/hall/register/operator/", data)) == [
        "图形验证码：图形验证码不正确，请重新输入"
    ]
    data = {**OPERATOR_STEP, "mobile": "", "_send_sms": "1"}
    assert "经办人手机号：请先输入经办人手机号" in errors(client.post("/hall/register/operator/", data))
    assert SmsMessage.objects.count() == 0


@pytest.mark.django_db
def test_operator_step_checks_dates_and_confirmation(
    client, step_one, django_capture_on_commit_callbacks
) -> None:
    code = send_code(client, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    data = {**OPERATOR_STEP, "sms_code": code, "password_confirm": "x", "valid_to": "2019-01-01"}
    assert errors(client.post("/hall/register/operator/", data)) == [
        "确认密码：两次输入的密码不一致",
        "证件有效截止日期：证件有效截止日期不能早于起始日期",
    ]
    data = {**OPERATOR_STEP, "sms_code": code, "valid_from": "2001-01-01", "valid_to": "2011-01-01"}
    assert errors(client.post("/hall/register/operator/", data)) == [
        "证件有效截止日期：证件已过有效期，请使用有效证件"
    ]
    assert User.objects.filter(kind="operator").count() == 0


@pytest.mark.django_db
def test_html_in_text_fields_is_shown_escaped(client) -> None:
    response = client.post("/hall/register/", {**UNIT_STEP, "name": "<script>alert(1)</script>", "uscc": ""})
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def core_unit(uscc: str = USCC, **values) -> CoreUnit:
    return CoreUnit.objects.create(
        uscc=uscc,
        name=UNIT_STEP["name"],
        division_id=values.pop("division_id", "530112"),
        source_updated_at=timezone.now(),
        synced_at=timezone.now(),
        **values,
    )


@pytest.mark.django_db
def test_henan_registers_only_uscc_valid_in_the_core_system(
    client, settings, django_capture_on_commit_callbacks
) -> None:
    settings.YIBAO_PROFILE = "henan"
    data = {
        **UNIT_STEP,
        "account": "dwhenan2026",
        "admdvs_0": "410000",
        "admdvs_1": "410100",
        "admdvs_2": "410105",
    }
    unknown = [
        "统一社会信用代码：该统一社会信用代码未在医保信息系统中登记为有效的参保单位，请核实后重新输入，或到医保经办机构办理参保登记"
    ]
    assert errors(client.post("/hall/register/", data)) == unknown
    # A unit the agency holds in the hall is not enough, nor one the core system marks invalid.
    held = UnitFactory.create(
        uscc=USCC,
        account=None,
        name=UNIT_STEP["name"],
        legal_rep_name=UNIT_STEP["legal_rep_name"],
        legal_rep_cert_no=UNIT_STEP["legal_rep_cert_no"],
    )
    registered = core_unit(is_valid=False, division_id="410105")
    assert errors(client.post("/hall/register/", data)) == unknown
    registered.is_valid = True
    registered.save()
    assert client.post("/hall/register/", data).status_code == 302
    code = send_code(client, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert (
        client.post("/hall/register/operator/", {**OPERATOR_STEP, "sms_code": code})["Location"]
        == "/hall/register/done/"
    )
    held.refresh_from_db()
    assert held.account.username == "dwhenan2026"


@pytest.mark.django_db
def test_henan_refuses_at_the_end_a_uscc_invalidated_meanwhile(
    client, settings, django_capture_on_commit_callbacks
) -> None:
    settings.YIBAO_PROFILE = "henan"
    registered = core_unit(division_id="410105")
    data = {**UNIT_STEP, "admdvs_0": "410000", "admdvs_1": "410100", "admdvs_2": "410105"}
    assert client.post("/hall/register/", data).status_code == 302
    code = send_code(client, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    CoreUnit.objects.filter(pk=registered.pk).update(is_valid=False)
    response = client.post("/hall/register/operator/", {**OPERATOR_STEP, "sms_code": code})
    assert response.status_code == 200
    assert any("未在医保信息系统中登记" in e for e in errors(response))
    assert not Unit.objects.filter(uscc=USCC).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("registered_phone", "passes"), [("138-1234-0000", True), ("13900001111", False), ("", True)]
)
def test_yunnan_needs_the_contact_phone_of_the_core_system(
    client, settings, django_capture_on_commit_callbacks, registered_phone: str, passes: bool
) -> None:
    settings.YIBAO_PROFILE = "yunnan"
    core_unit(contact_phone=registered_phone)
    assert client.post("/hall/register/", UNIT_STEP).status_code == 302
    code = send_code(client, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    response = client.post("/hall/register/operator/", {**OPERATOR_STEP, "sms_code": code})
    if passes:
        assert response["Location"] == "/hall/register/done/", errors(response)
        return
    assert errors(response) == [
        "经办人手机号：单位联系人号码与医保系统存储信息不一致，请携带相关材料到经办大厅修改单位联系人号码后可正常注册!"
    ]
    assert not Unit.objects.filter(uscc=USCC).exists()
    # The code was not spent: after the agency corrects the number, the same code registers.
    CoreUnit.objects.filter(uscc=USCC).update(contact_phone=MOBILE)
    response = client.post("/hall/register/operator/", {**OPERATOR_STEP, "sms_code": code})
    assert response["Location"] == "/hall/register/done/", errors(response)


@pytest.mark.django_db
def test_the_national_hall_checks_neither(client, django_capture_on_commit_callbacks) -> None:
    core_unit(contact_phone="13900001111", is_valid=False)
    assert client.post("/hall/register/", UNIT_STEP).status_code == 302
    code = send_code(client, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    response = client.post("/hall/register/operator/", {**OPERATOR_STEP, "sms_code": code})
    assert response["Location"] == "/hall/register/done/", errors(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("profile", "password", "message"),
    [
        ("national", "abcdefghij", "请输入8-16位字符密码，必须由数字、字母组成"),
        ("beijing", "abcdef12345", "必须由8-16位数字、大写、小写字母组成"),
        ("henan", "abcdefghij", "请输入8-20位字符，含数字"),
    ],
)
def test_the_password_rule_is_the_profiles(
    client, settings, profile: str, password: str, message: str
) -> None:
    settings.YIBAO_PROFILE = profile
    data = {**UNIT_STEP, "password": password, "password_confirm": password}
    assert f"密码：{message}" in errors(client.post("/hall/register/", data))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("profile", "account", "accepted"),
    [
        ("national", "dw2026", True),
        ("henan", "dw2026", False),
        # Beijing FAQ 2: «8-20 位由数字、字母组成的字符串» (issue 20 item 16)
        ("beijing", "dw202", False),
        ("beijing", "dw20261", False),
        ("beijing", "dw202611", True),
        ("beijing", "d" * 20, True),
        ("beijing", "d" * 21, False),
        ("beijing", "d" * 30, False),
    ],
)
def test_the_account_length_is_the_profiles(
    client, settings, profile: str, account: str, accepted: bool
) -> None:
    settings.YIBAO_PROFILE = profile
    response = client.post("/hall/register/", {**UNIT_STEP, "account": account})
    if accepted:
        assert response.status_code == 302
    else:
        assert [e for e in errors(response) if e.startswith("账号")] == ["账号：账号长度应为8-20位"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("profile", "hint"),
    [
        ("national", "不支持中文、各单位自行设定、仅供登录使用"),
        ("beijing", "8-20位，由数字、字母组成，注册后不可更改"),
        ("henan", "请输入8-20位字符，由字母和数字组成，可自定义"),
    ],
)
def test_the_account_hint_is_the_profiles(settings, get_page, profile: str, hint: str) -> None:
    settings.YIBAO_PROFILE = profile
    soup = get_page("/hall/register/")
    assert soup.select_one("#id_account_helptext").get_text() == hint


@pytest.mark.django_db
def test_the_postcode_is_optional_but_checked_when_given(client) -> None:
    data = {**UNIT_STEP, "postcode": ""}
    soup = check_page(client.get("/hall/register/"))
    assert "field--required" not in soup.select_one("#id_postcode").parent["class"]
    assert "邮政编码：邮政编码应为6位数字" in errors(
        client.post("/hall/register/", {**data, "postcode": "65000"})
    )
    assert client.post("/hall/register/", data).status_code == 302


@pytest.mark.django_db
def test_a_race_on_the_same_uscc_lets_exactly_one_through(monkeypatch) -> None:
    from django.contrib.auth.hashers import make_password

    from yibao.core.audit import RequestOrigin
    from yibao.core.errors import ApplicationError
    from yibao.entry import registration

    def details(account: str) -> registration.UnitDetails:
        return registration.UnitDetails(
            account=account, password_hash=make_password("x"), name="n", emp_type="10", division="530112",
            uscc=USCC, address="a", postcode="650000", legal_rep_name="张伟", legal_rep_cert_type="01",
            legal_rep_cert_no="530112199003071230", legal_rep_mobile="13988887777",
        )  # fmt: skip

    operator = OperatorFactory.create()
    monkeypatch.setattr(registration, "sms_code_verify", lambda **kwargs: None)  # not what is raced
    registration.unit_register(
        unit=details("dwfirst01"), mobile=operator.mobile, new_operator=None,
        existing_password="Yibao2026test", sms_code="123456", origin=RequestOrigin(),
    )  # fmt: skip
    # The second request checked before the first one committed: its pre-check saw nothing.
    calls = iter([False])
    real = registration.uscc_registered
    monkeypatch.setattr(registration, "uscc_registered", lambda uscc: next(calls, None) or real(uscc))
    with pytest.raises(ApplicationError) as caught:
        registration.unit_register(
            unit=details("dwsecond1"), mobile=operator.mobile, new_operator=None,
            existing_password="Yibao2026test", sms_code="123456", origin=RequestOrigin(),
        )  # fmt: skip
    assert caught.value.message.startswith("该统一社会信用代码已注册")
    assert Unit.objects.filter(uscc=USCC).count() == 1
    assert not User.objects.filter(username="dwsecond1").exists()


@pytest.mark.django_db
def test_a_held_unit_needs_its_name_and_legal_representative(
    client, django_capture_on_commit_callbacks
) -> None:
    held = UnitFactory.create(uscc=USCC, account=None, name="别人的单位")
    assert client.post("/hall/register/", UNIT_STEP).status_code == 302
    code = send_code(client, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert errors(client.post("/hall/register/operator/", {**OPERATOR_STEP, "sms_code": code})) == [
        "单位信息：单位名称或法定代表人信息与医保经办机构登记的信息不一致，请核实后重新输入（请返回上一步修改）"
    ]
    held.refresh_from_db()
    assert (held.account, held.name) == (None, "别人的单位")


@pytest.mark.django_db
def test_guessing_an_operators_password_counts_towards_its_lockout(
    client, step_one, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    from yibao.accounts import lockout

    clock = Clock()
    monkeypatch.setattr(sms_codes, "_now", clock)
    monkeypatch.setattr(lockout, "_now", clock)
    OperatorFactory.create(mobile=MOBILE)
    code = send_code(client, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    for left in (4, 3, 2, 1):
        guess = {"mobile": MOBILE, "password": "Guess12345", "sms_code": code}
        assert errors(client.post("/hall/register/operator/", guess)) == [
            f"经办人密码：经办人密码填写错误，还可尝试{left}次（连续失败5次，账户将被锁定10分钟）"
        ]
    right = {"mobile": MOBILE, "password": "Yibao2026test", "sms_code": code}
    client.post("/hall/register/operator/", {**right, "password": "Guess12345"})
    soup = check_page(client.post("/hall/register/operator/", right), echoed=ECHO)
    assert soup.select_one(".error-summary") is None
    assert [p.get_text() for p in soup.select(".blocked-box h2, .blocked-box p")][:2] == [
        "经办人账户已锁定",
        "登录失败次数过多，账户已被锁定，请10分钟后再试",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("account", "message"),
    [
        ("13912345678", "账号：账号不能使用手机号码，请更换"),
        ("91350200776049653A", "账号：账号不能使用统一社会信用代码，请更换"),
    ],
)
def test_an_account_may_not_look_like_a_mobile_or_a_uscc(client, account: str, message: str) -> None:
    response = client.post("/hall/register/", {**UNIT_STEP, "account": account})
    soup = check_page(response, echoed=(*ECHO, account))
    assert message in [li.get_text() for li in soup.select(".error-summary li")]
