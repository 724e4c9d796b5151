"""单位经办人 pages and the operator's hall through the test client."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from tests.pagecheck import check_page
from yibao.accounts.models import SmsMessage, User
from yibao.core.tests.factories import BindingFactory, UnitFactory, grant
from yibao.operators.access import current_population_set, population_psn_types
from yibao.operators.models import Binding, Operator
from yibao.operators.session import CURRENT_UNIT_KEY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms_sent_at_once")]  # SMS read at once
CAPTCHA = {"captcha_0": "x", "captcha_1": "PASSED"}


def last_code(phone: str) -> str:
    text = SmsMessage.objects.filter(phone=phone).order_by("-pk").values_list("text", flat=True).first()
    assert text is not None
    match = re.search(r"验证码：(\d{6})", text)
    assert match is not None
    return match.group(1)


def errors(response: HttpResponse, *echoed: str) -> list[str]:
    soup = check_page(response, echoed=echoed)
    return [li.get_text(" ", strip=True) for li in soup.select(".error-summary li")]


def token_of(response: HttpResponse) -> str:
    field = check_page(response).find("input", attrs={"name": "token"})
    assert field is not None
    return str(field["value"])


def as_operator(client: Client, binding: Binding) -> None:
    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit_id
    session.save()


def test_the_list_masks_phones_paginates_and_counts_its_queries(
    client, django_assert_max_num_queries
) -> None:
    first = BindingFactory.create()
    for _ in range(11):
        BindingFactory.create(unit=first.unit)
    client.force_login(first.unit.account)
    with django_assert_max_num_queries(9):  # session, user, unit, count, page, unread badge, session save
        response = client.get(reverse("operators:list"))
    soup = check_page(response)
    rows = soup.select("tbody tr")
    assert len(rows) == 10
    assert first.operator.mobile not in response.content.decode()
    assert "第 1 页，共 2 页" in soup.get_text()
    assert [a.get_text() for a in rows[0].select("a")] == ["解除绑定", "重置密码", "权限管理"]


def test_the_last_operator_shows_a_disabled_unbind_with_the_reason(client) -> None:
    binding = BindingFactory.create()
    client.force_login(binding.unit.account)
    soup = check_page(client.get(reverse("operators:list")))
    disabled = soup.select_one('[aria-disabled="true"]')
    assert disabled is not None and disabled.get_text() == "解除绑定"
    assert "至少存在一名经办人" in str(disabled.get("title"))
    page = check_page(client.get(reverse("operators:unbind", args=[binding.pk])))
    assert page.find("button", string="确定解绑") is None


def test_adding_a_new_operator(client) -> None:
    unit = UnitFactory.create()
    client.force_login(unit.account)
    url = reverse("operators:add")
    form = {"mobile": "13500002222", "name": "吴敏", "cert_type": "01", "cert_no": "110101199003070011"}
    response = client.post(url, {**form, **CAPTCHA, "_send_sms": "1"})
    assert (
        "短信验证码已发送至135****2222"
        in check_page(response, echoed=("13500002222", "110101199003070011")).get_text()
    )
    response = client.post(url, {**form, "sms_code": last_code("13500002222")})
    soup = check_page(response)
    assert "您当前正在进行数据变更操作，请确定是否继续？" in soup.get_text()
    assert not Operator.objects.filter(mobile="13500002222").exists()  # nothing saved before 确定
    token = token_of(response)
    response = client.post(reverse("operators:add-confirm"), {"confirm": "1", "token": token}, follow=True)
    text = check_page(response).get_text()
    assert "绑定经办人成功，请为经办人授权。初始密码将通过短信发送至经办人手机135****2222" in text
    assert "已发送" not in text  # queued, not yet sent
    user = User.objects.get(username="13500002222")
    assert user.must_change_password
    assert "初始密码" in SmsMessage.objects.filter(phone="13500002222").order_by("-pk").first().text


def test_adding_an_existing_operator_asks_only_for_the_codes(client) -> None:
    other = BindingFactory.create()
    unit = UnitFactory.create()
    client.force_login(unit.account)
    url = reverse("operators:add")
    mobile = other.operator.mobile
    response = client.post(url, {"mobile": mobile, **CAPTCHA, "_send_sms": "1"})
    soup = check_page(response, echoed=(mobile,))
    assert "该手机号已被注册过，无需填写经办人信息" in soup.get_text()
    assert soup.find("input", attrs={"name": "name"}) is None
    response = client.post(url, {"mobile": mobile, "sms_code": last_code(mobile)})
    token = token_of(response)
    client.post(reverse("operators:add-confirm"), {"confirm": "1", "token": token})
    again = client.post(reverse("operators:add-confirm"), {"confirm": "1", "token": token}, follow=True)
    assert "操作已过期" in check_page(again, echoed=(mobile,)).get_text()  # a token confirms once
    assert Binding.objects.filter(unit=unit, operator=other.operator, status=Binding.Status.ACTIVE).exists()


def test_adding_an_operator_already_bound_is_refused_before_any_sms(client) -> None:
    binding = BindingFactory.create()
    client.force_login(binding.unit.account)
    response = client.post(
        reverse("operators:add"), {"mobile": binding.operator.mobile, **CAPTCHA, "_send_sms": "1"}
    )
    assert errors(response, binding.operator.mobile) == ["手机号：该经办人已绑定本单位，无需重复绑定"]
    assert not SmsMessage.objects.exists()


def test_a_wrong_sms_code_saves_nothing(client) -> None:
    unit = UnitFactory.create()
    client.force_login(unit.account)
    form = {"mobile": "13500003333", "name": "吴敏", "cert_type": "01", "cert_no": "110101199003070011"}
    client.post(reverse("operators:add"), {**form, **CAPTCHA, "_send_sms": "1"})
    response = client.post(reverse("operators:add"), {**form, "sms_code": "000000"})
    assert errors(response, "13500003333", "110101199003070011")[0].startswith("短信验证码：短信验证码不正确")
    assert client.post(reverse("operators:add-confirm"), {"confirm": "1"}).status_code == 302
    assert not Operator.objects.filter(mobile="13500003333").exists()


def test_the_grant_page_disables_items_of_roles_the_unit_lacks(client) -> None:
    binding = BindingFactory.create()
    client.force_login(binding.unit.account)
    soup = check_page(client.get(reverse("operators:grants", args=[binding.pk])))
    procurement = soup.find("input", attrs={"value": "procurement-system"})
    assert procurement is not None and procurement.has_attr("disabled")
    assert "需单位通过招采企业角色认证" in soup.get_text()
    roster = soup.find("input", attrs={"value": "roster"})
    assert roster is not None and not roster.has_attr("disabled")
    forged = client.post(
        reverse("operators:grants", args=[binding.pk]),
        {"items": ["procurement-system"], "populations": ["in-service"]},
    )
    assert errors(forged)[0].startswith("功能角色：本单位未通过招采企业角色认证")
    assert not binding.grants.exists()


def test_granting_from_the_page_says_success(client) -> None:
    binding = BindingFactory.create()
    client.force_login(binding.unit.account)
    response = client.post(
        reverse("operators:grants", args=[binding.pk]),
        {"items": ["roster", "unit-basic-info"], "populations": ["in-service", "retired"]},
        follow=True,
    )
    assert "成功" in check_page(response).select_one(".messages").get_text()
    assert set(binding.grants.values_list("item__code", flat=True)) == {"roster", "unit-basic-info"}
    binding.refresh_from_db()
    assert binding.full_identity is False


def test_the_grant_page_gives_full_identity_with_its_label(client) -> None:
    binding = BindingFactory.create()
    client.force_login(binding.unit.account)
    soup = check_page(client.get(reverse("operators:grants", args=[binding.pk])))
    label = soup.find("label", string="允许查看完整证件号码和手机号码")
    assert label is not None and soup.find("input", id=label["for"])["type"] == "checkbox"
    client.post(
        reverse("operators:grants", args=[binding.pk]),
        {"items": ["roster"], "populations": ["in-service"], "full_identity": "on"},
    )
    binding.refresh_from_db()
    assert binding.full_identity is True
    soup = check_page(client.get(reverse("operators:grants", args=[binding.pk])))
    assert soup.find("input", id=label["for"]).has_attr("checked")


def test_reset_password_uses_the_units_verification_phone(client) -> None:
    binding = BindingFactory.create()
    unit = binding.unit
    client.force_login(unit.account)
    url = reverse("operators:reset-password", args=[binding.pk])
    client.post(url, {**CAPTCHA, "_send_sms": "1"})
    response = client.post(url, {"sms_code": last_code(unit.legal_rep_mobile)}, follow=True)
    mobile = binding.operator.mobile
    assert (
        f"修改密码成功，新密码将通过短信发送至经办人手机{mobile[:3]}****{mobile[-4:]}"
        in check_page(response).get_text()
    )
    user = User.objects.get(pk=binding.operator.user_id)
    assert user.must_change_password and not user.check_password("Yibao2026test")


def test_unbind_asks_twice_then_unbinds(client) -> None:
    keep = BindingFactory.create()
    gone = BindingFactory.create(unit=keep.unit)
    client.force_login(keep.unit.account)
    url = reverse("operators:unbind", args=[gone.pk])
    assert "您确定要解绑与经办人的业务关系吗？" in check_page(client.get(url)).get_text()
    assert "您当前正在进行数据变更操作，请确定是否继续？" in check_page(client.post(url)).get_text()
    gone.refresh_from_db()
    assert gone.status == Binding.Status.ACTIVE
    response = client.post(url, {"confirm": "1"}, follow=True)
    assert "解绑成功" in check_page(response).get_text()
    gone.refresh_from_db()
    assert gone.status == Binding.Status.UNBOUND


def test_operator_home_shows_no_permission_for_ungranted_items(client) -> None:
    binding = grant(BindingFactory.create(), "roster")
    as_operator(client, binding)
    soup = check_page(client.get(reverse("entry:operator-home")))
    tiles = {t.select_one(".service-tile__name").get_text(): t for t in soup.select(".service-tile")}
    assert "无权限" not in tiles["职工花名册查询"].get_text()
    assert "无权限" in tiles["职工参保登记"].get_text()
    assert [a.get_text() for a in soup.select(".tabs__tab")] == ["参保单位服务"]
    denied = client.get(reverse("operators:item", args=["employee-enrollment"]))
    assert denied.status_code == 403
    text = check_page(denied, status=403).get_text()
    assert "权限管理" in text and "单位管理员" in text
    built = client.get(reverse("operators:item", args=["roster"]))
    assert built.status_code == 302 and built["Location"] == reverse("queries:roster")


def test_population_switch_among_granted_ones(client) -> None:
    binding = grant(BindingFactory.create(), "roster", populations=("in-service", "retired"))
    as_operator(client, binding)
    soup = check_page(client.get(reverse("entry:operator-home")))
    assert soup.find("label", string="管理人群") is not None
    client.post(reverse("operators:population-switch"), {"population": "retired"})
    assert (
        "退休人员" in check_page(client.get(reverse("entry:operator-home"))).select_one(".summary").get_text()
    )
    response = client.post(reverse("operators:population-switch"), {"population": "veteran"}, follow=True)
    assert "请选择授权给您的管理人群" in check_page(response).get_text()


def test_operator_must_change_a_reset_password_first(client) -> None:
    binding = grant(BindingFactory.create(), "roster")
    User.objects.filter(pk=binding.operator.user_id).update(must_change_password=True)
    as_operator(client, binding)
    for name, args in (("entry:operator-home", []), ("operators:item", ["roster"])):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and response["Location"] == reverse("entry:account-password")


def test_the_add_page_does_not_tell_whether_a_number_is_registered_before_the_captcha(client) -> None:
    other = BindingFactory.create()
    unit = UnitFactory.create()
    client.force_login(unit.account)
    mobile = other.operator.mobile
    response = client.post(
        reverse("operators:add"), {"mobile": mobile, "captcha_1": "WRONG", "_send_sms": "1"}
    )
    soup = check_page(response, echoed=(mobile,))
    assert "该手机号已被注册过" not in soup.get_text()
    assert soup.find("input", attrs={"name": "name"}) is not None
    response = client.post(reverse("operators:add"), {"mobile": mobile})
    assert "该手机号已被注册过" not in check_page(response, echoed=(mobile,)).get_text()


def test_population_psn_types_follow_the_switch(rf) -> None:
    binding = grant(BindingFactory.create(), "roster", populations=("in-service", "retired"))
    request = rf.get("/")
    request.session = SessionStore()
    assert population_psn_types(request, binding) == ("1101", "1102", "1160")
    assert current_population_set(request, binding, "retired")
    assert population_psn_types(request, binding) == ("1201", "1202", "1260")
    binding.populations.clear()
    assert population_psn_types(request, binding) is None
