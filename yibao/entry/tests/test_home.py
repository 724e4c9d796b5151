"""The two home pages: 单位管理首页 of the unit admin and 单位网厅首页 of the operator."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.pagecheck import check_page, visible_text
from yibao.core.tests.factories import BindingFactory, NoticeFactory, UnitFactory
from yibao.operators.session import CURRENT_UNIT_KEY
from yibao.units.models import RoleCertification, Unit, UnitRole

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(client) -> Unit:
    unit = UnitFactory.create(roles=[], legal_rep_mobile="13900000001")
    client.force_login(unit.account)
    return unit


def as_operator(client, binding) -> None:
    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit_id
    session.save()


def test_home_shows_summary_credit_and_notices(client, unit, get_page) -> None:
    NoticeFactory.create(title="关于2027年度医保缴费基数申报的通知")
    soup = get_page("/hall/unit/")
    text = visible_text(soup)
    for expected in (unit.name, unit.uscc, unit.account.get_username(), "西山区", "未认证", "暂无"):
        assert expected in text
    credit = soup.select_one("section.panel.credit")
    assert credit.select_one("h2.panel__title").get_text() == "我的信用"
    assert "C级（一般）" in visible_text(credit)
    assert "信用分 65" in visible_text(credit)
    assert "法人手机号已登记" in visible_text(credit)
    assert "关于2027年度医保缴费基数申报的通知" in text
    nav = soup.select_one(".side-nav")
    assert [a.get_text() for a in nav.select(".side-nav__sub a")] == [
        "单位信息",
        "资质认证",
        "角色认证",
        "单位经办人",
    ]


def test_home_lists_certified_roles(client, unit, get_page) -> None:
    RoleCertification.objects.create(
        unit=unit, role=UnitRole.MEDICAL, status=RoleCertification.Status.CERTIFIED
    )
    RoleCertification.objects.create(
        unit=unit, role=UnitRole.INSURED, status=RoleCertification.Status.CERTIFIED
    )
    RoleCertification.objects.create(unit=unit, role=UnitRole.PHARMA, status=RoleCertification.Status.PENDING)
    assert "已认证角色 参保单位、医疗机构" in visible_text(get_page("/hall/unit/"))


def test_operator_home_tabs_follow_the_units_roles(client) -> None:
    binding = BindingFactory.create(unit=UnitFactory.create(roles=["insured", "medical", "procurement"]))
    as_operator(client, binding)
    soup = check_page(client.get(reverse("entry:operator-home") + "?tab=medical"))
    assert [a.get_text() for a in soup.select(".tabs__tab")] == [
        "参保单位服务",
        "医疗机构服务",
        "招采企业服务",
    ]
    names = [n.get_text() for n in soup.select(".service-tile__name")]
    assert "婴幼儿备案" in names and "职工参保登记" not in names


def test_operator_home_lists_a_draft_as_a_todo(client) -> None:
    """我的待办件 never says «暂无待办件» while a draft of the operator's business waits."""
    from yibao.cases import services
    from yibao.changes.unit_types import UNIT_INFO_CHANGE
    from yibao.core.tests.factories import grant

    binding = grant(BindingFactory.create(), "unit-info-change")
    draft = services.application_draft_save(
        kind=UNIT_INFO_CHANGE, unit=binding.unit, actor=binding.operator.user,
        payload={"contact_name": "周敏", "contact_phone": "0871-63123456",
                 "contact_address": "昆明市五华区1号", "postcode": "650031"},
    )  # fmt: skip
    as_operator(client, binding)
    soup = check_page(client.get(reverse("entry:operator-home")))
    todos = soup.select(".todo-list li")
    assert [li.get_text() for li in todos] == [f"单位参保非关键信息变更 未提交（办件编号 {draft.number}）"]
    assert todos[0].select_one("a")["href"] == reverse("cases:detail", args=[draft.pk])
    assert "暂无待办件" not in visible_text(soup)
