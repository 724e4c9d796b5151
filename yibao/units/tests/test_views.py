"""The unit admin's pages through the test client: every page passes the page checks."""

from __future__ import annotations

import pytest

from tests.pagecheck import check_page, visible_text
from yibao.accounts.models import SmsMessage
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import BindingFactory, UnitFactory
from yibao.notices.models import Message
from yibao.units.models import RoleCertification, Unit, UnitRole
from yibao.units.tests.helpers import designated_institution

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms_sent_at_once")]  # SMS read at once

CONFIRM = "您当前正在进行数据变更操作，请确定是否继续？"


@pytest.fixture
def unit(client) -> Unit:
    unit = UnitFactory.create(roles=[], legal_rep_mobile="13900000001")
    client.force_login(unit.account)
    return unit


def test_info_page_is_read_only_but_for_mobile_and_address(client, unit) -> None:
    soup = check_page(client.get("/hall/unit/info/"), echoed=(unit.legal_rep_mobile,))
    form = soup.select_one("form[novalidate]")
    inputs = {i["name"]: i.get("value") for i in form.select("input") if i.get("type") != "hidden"}
    assert inputs == {"legal_rep_mobile": "13900000001", "address": unit.address, "sms_code": None}
    assert [label.get_text() for label in form.select("label")] == ["法人手机号", "地址", "短信验证码"]
    text = visible_text(soup)
    assert unit.legal_rep_cert_no not in text
    assert unit.legal_rep_cert_no[:4] + "**********" + unit.legal_rep_cert_no[-4:] in text
    assert "单位参保关键信息变更" in text
    assert soup.select_one('.tabs a[aria-current="page"]').get_text() == "单位基础信息"


def sms_code_to(phone: str) -> str:
    text = SmsMessage.objects.filter(phone=phone).order_by("-pk").values_list("text", flat=True).first()
    assert text is not None
    return str(text).split("验证码：")[1][:6]


def test_a_new_legal_rep_mobile_must_be_confirmed_by_sms(client, unit) -> None:
    data = {"legal_rep_mobile": "13712345678", "address": "云南省昆明市五华区人民中路1号"}
    soup = check_page(client.post("/hall/unit/info/", data), echoed=("13712345678",))
    assert "短信验证码：请输入短信验证码" in [li.get_text() for li in soup.select(".error-summary li")]
    other = UnitFactory.create()
    client.post("/hall/unit/info/", {**data, "_send_sms": "1"})
    code = sms_code_to("13712345678")
    assert f"{unit.name}正在将法人手机号变更为本号码" in SmsMessage.objects.get(phone="13712345678").text
    assert other.pk != unit.pk
    soup = check_page(
        client.post("/hall/unit/info/", {**data, "sms_code": "000000"}), echoed=("13712345678",)
    )
    assert CONFIRM not in visible_text(soup)
    soup = check_page(client.post("/hall/unit/info/", {**data, "sms_code": code}))
    assert CONFIRM in visible_text(soup)


def test_info_change_asks_then_saves(client, unit) -> None:
    data = {"legal_rep_mobile": "13712345678", "address": "云南省昆明市五华区人民中路1号"}
    client.post("/hall/unit/info/", {**data, "_send_sms": "1"})
    response = client.post("/hall/unit/info/", {**data, "sms_code": sms_code_to("13712345678")})
    soup = check_page(response)
    assert CONFIRM in visible_text(soup)
    assert "137****5678" in visible_text(soup)
    unit.refresh_from_db()
    assert unit.legal_rep_mobile == "13900000001"  # nothing before 确定
    token = soup.find("input", attrs={"name": "token"})["value"]

    response = client.post("/hall/unit/info/confirm/", {"confirm": "1", "token": token})
    assert response["Location"] == "/hall/unit/info/"
    soup = check_page(client.get("/hall/unit/info/"), echoed=("13712345678",))
    assert "更新单位信息成功" in visible_text(soup)
    unit.refresh_from_db()
    assert (unit.legal_rep_mobile, unit.address) == ("13712345678", "云南省昆明市五华区人民中路1号")
    assert Message.objects.filter(unit=unit, title="法人手机号已变更").exists()


def test_info_cancel_and_replay_change_nothing(client, unit) -> None:
    response = client.post("/hall/unit/info/", {"legal_rep_mobile": "13900000001", "address": "新地址"})
    token = check_page(response).find("input", attrs={"name": "token"})["value"]
    client.post("/hall/unit/info/confirm/", {"token": token})  # no 确定
    client.post("/hall/unit/info/confirm/", {"confirm": "1", "token": token})  # the pending change is gone
    client.post("/hall/unit/info/confirm/", {"confirm": "1"})  # no token at all
    unit.refresh_from_db()
    assert unit.address != "新地址"
    assert not AuditEvent.objects.filter(action="unit_base_info_updated").exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"legal_rep_mobile": "1371234", "address": "新地址"}, "法人手机号：请输入正确的手机号码"),
        ({"legal_rep_mobile": "", "address": "新地址"}, "法人手机号：请输入法人手机号"),
        ({"legal_rep_mobile": "13712345678", "address": ""}, "地址：请输入地址"),
        (
            {"legal_rep_mobile": "13900000001", "address": "云南省昆明市西山区滇池路1号"},
            "法人手机号和地址均未修改，无需保存",
        ),
    ],
)
def test_info_errors_are_shown_in_chinese(client, unit, data, error) -> None:
    soup = check_page(client.post("/hall/unit/info/", data), echoed=(data["legal_rep_mobile"],))
    assert error in [li.get_text() for li in soup.select(".error-summary li")]
    assert CONFIRM not in visible_text(soup)


def test_populations_tab_lists_codes_with_labels(client, unit, get_page) -> None:
    soup = get_page("/hall/unit/populations/")
    text = visible_text(soup)
    assert "在职职工" in text
    assert "1101" in text
    rows = soup.select("tbody tr")
    assert len(rows) == unit.populations.count() > 0
    first = rows[0].select("li")[0].get_text(" ", strip=True)
    assert first.startswith("1101 ") and first != "1101 1101"  # the code and its label
    assert soup.select_one('.tabs a[aria-current="page"]').get_text() == "单位管理人群"


def test_every_code_of_every_population_has_its_label(client, unit, get_page) -> None:
    """Issue 20 item 17: «1160 1160» — the local-extension codes had no label."""
    from yibao.units.models import Population

    unit.populations.set(Population.objects.all())
    soup = get_page("/hall/unit/populations/")
    items = [li.get_text(" ", strip=True) for li in soup.select("tbody li")]
    assert "1160 地方扩展（在职）" in items
    assert "1260 地方扩展（退休）" in items
    assert "1360 地方扩展（离休）" in items
    for item in items:
        code, _, label = item.partition(" ")
        assert label and label != code, item


def test_roles_page_shows_every_role_and_its_state(client, unit, get_page) -> None:
    RoleCertification.objects.create(
        unit=unit, role=UnitRole.PHARMACY, status=RoleCertification.Status.FAILED, reason="未查询到"
    )
    RoleCertification.objects.create(unit=unit, role=UnitRole.PHARMA, status=RoleCertification.Status.PENDING)
    soup = get_page("/hall/unit/roles/")
    rows = {r.th.get_text(): visible_text(r) for r in soup.select("tbody tr")}
    assert list(rows) == ["参保单位", "医疗机构", "零售药店", "招采企业", "医药企业"]
    assert "未认证" in rows["医疗机构"] and "去认证" in rows["医疗机构"]
    assert "认证失败" in rows["零售药店"] and "未查询到" in rows["零售药店"] and "去认证" in rows["零售药店"]
    assert "待审核" in rows["医药企业"] and "去认证" not in rows["医药企业"]


def test_role_certify_confirm_then_result(client, unit) -> None:
    soup = check_page(client.get("/hall/unit/roles/medical/certify/"))
    assert "确定进行医疗机构角色认证吗？" in visible_text(soup)
    response = client.post("/hall/unit/roles/medical/certify/", {"confirm": "1"})
    text = visible_text(check_page(client.get(response["Location"])))
    assert "医疗机构角色认证失败：未在定点医药机构信息中查询到本单位统一社会信用代码" in text

    designated_institution(unit)
    client.post("/hall/unit/roles/medical/certify/", {"confirm": "1"})
    text = visible_text(check_page(client.get("/hall/unit/roles/")))
    assert "医疗机构角色认证成功" in text
    assert (
        RoleCertification.objects.get(unit=unit, role="medical").status == RoleCertification.Status.CERTIFIED
    )


def test_role_certify_refused_when_pending(client, unit) -> None:
    client.post("/hall/unit/roles/procurement/certify/", {"confirm": "1"})
    assert "招采企业角色认证申请已提交" in visible_text(check_page(client.get("/hall/unit/roles/")))
    response = client.get("/hall/unit/roles/procurement/certify/")
    assert response["Location"] == "/hall/unit/roles/"
    text = visible_text(check_page(client.get("/hall/unit/roles/")))
    assert "招采企业角色认证申请已提交，正在等待医保经办机构审核，请勿重复提交" in text
    response = client.post("/hall/unit/roles/procurement/certify/", {"confirm": "1"})
    assert "请勿重复提交" in visible_text(check_page(client.get(response["Location"])))
    assert RoleCertification.objects.filter(unit=unit).count() == 1


def test_unknown_role_is_404(client, unit) -> None:
    assert client.get("/hall/unit/roles/hospital/certify/").status_code == 404
    assert client.post("/hall/unit/roles/hospital/certify/", {"confirm": "1"}).status_code == 404


URLS = [
    "/hall/unit/",
    "/hall/unit/info/",
    "/hall/unit/populations/",
    "/hall/unit/qualification/",
    "/hall/unit/qualification/upload/",
    "/hall/unit/roles/",
    "/hall/unit/roles/medical/certify/",
]


@pytest.mark.parametrize("url", URLS)
def test_anonymous_is_sent_to_login(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/hall/login/")


@pytest.mark.parametrize("url", [*URLS, "/hall/unit/info/confirm/"])
def test_operators_and_staff_are_refused(client, url, staff_user) -> None:
    binding = BindingFactory.create()
    client.force_login(binding.operator.user)
    assert client.get(url).status_code in (403, 405)
    client.force_login(staff_user)
    assert client.get(url).status_code in (403, 405)


def test_an_operator_cannot_post_a_change(client) -> None:
    binding = BindingFactory.create()
    client.force_login(binding.operator.user)
    assert (
        client.post("/hall/unit/info/", {"legal_rep_mobile": "13712345678", "address": "x"}).status_code
        == 403
    )
    assert client.post("/hall/unit/roles/medical/certify/", {"confirm": "1"}).status_code == 403
    assert not RoleCertification.objects.filter(role="medical").exists()
