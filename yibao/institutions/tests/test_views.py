"""定点医疗机构/零售药店信息变更 through the test client: the area, the form, the workspace with
the six materials and the two templates, the reviewer's 退回 / 不通过 / 通过, 待审核/已审核业务查询,
and the refusals (not synced yet, materials missing, a file of the wrong type, a unit without the
role, an operator without the grant, another unit's application)."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.pagecheck import check_page, visible_text
from yibao.accounts.models import User
from yibao.cases.models import Application, Material, ReviewerRegion, Status
from yibao.catalog.models import Institution
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import (
    BindingFactory,
    UnitFactory,
    UserFactory,
    grant,
    operator_login,
    staff_login,
)
from yibao.institutions.rules import BUSINESS_LICENCE, LEGAL_REP_ID, LICENCE, PLEDGE, WORKSHEET
from yibao.institutions.tests.helpers import (
    change_data,
    fake_pdf,
    institution_binding,
    png_upload,
    synced_hospital,
    synced_pharmacy,
)
from yibao.operators.models import Binding
from yibao.units.selectors import institution_of_unit

pytestmark = pytest.mark.django_db
CHANGE = reverse("institutions:medical-change")
ECHO = ("530102198001010015", "13888001122")  # typed by the operator, shown again in the form
NAME_CHANGE_MATERIALS = (WORKSHEET, PLEDGE, LEGAL_REP_ID, LICENCE, BUSINESS_LICENCE)


@pytest.fixture
def hospital(client: Client) -> Binding:
    synced_hospital()
    return operator_login(client, institution_binding("medical"))


@pytest.fixture
def reviewer() -> User:
    user = UserFactory.create(is_staff=True, username="shenhe-inst", first_name="审核员")
    ReviewerRegion.objects.create(reviewer=user, division_id="530000")
    return user


def _draft(client: Client, **values: Any) -> Application:
    response = client.post(CHANGE, {**change_data(**values), "submit_key": ""})
    assert response.status_code == 302, visible_text(check_page(response))
    application = Application.objects.get(type_code="medins-info-change")
    assert response["Location"] == reverse("cases:edit", args=[application.pk])
    return application


def _upload(client: Client, application: Application, code: str, file: Any = None) -> Any:
    return client.post(
        reverse("cases:material-upload", args=[application.pk]),
        {"code": code, f"{code}-file": file or png_upload()},
        follow=True,
    )


def _submit(client: Client, application: Application) -> Any:
    return client.post(reverse("cases:submit", args=[application.pk]), {"submit_key": ""}, follow=True)


def _decide(reviewer: User, application: Application, decision: str, opinion: str = "") -> None:
    staff = Client()
    staff_login(staff, reviewer)
    if Application.objects.get(pk=application.pk).reviewer_id is None:
        assert staff.post(reverse("agency:claim", args=[application.pk])).status_code == 302
    response = staff.post(
        reverse("agency:decide", args=[application.pk]), {"decision": decision, "opinion": opinion}
    )
    assert response.status_code == 302, visible_text(check_page(response))


def test_institution_of_unit_links_by_uscc_and_role(hospital: Binding) -> None:
    institution = institution_of_unit(hospital.unit, "medical")
    assert institution is not None and institution.code == "H53011200243"
    assert institution_of_unit(hospital.unit, "pharmacy") is None  # not certified for it
    assert institution_of_unit(UnitFactory.create(roles=["medical"]), "medical") is None  # no record


def test_the_home_tab_leads_to_the_area_and_its_pages(client: Client, hospital: Binding) -> None:
    home = check_page(client.get(reverse("entry:operator-home") + "?tab=medical"))
    link = home.select_one(".more-services a")
    assert link is not None and link["href"] == reverse("institutions:medical-home")
    assert link.get_text(strip=True) == "更多服务（医疗机构服务）"
    area = check_page(client.get(link["href"]))
    text = visible_text(area)
    assert "H53011200243" in text and "数据同步时间" in text
    menu = [a.get_text(strip=True) for a in area.select(".institution-menu a")]
    assert menu == ["更多服务", "信息变更：定点医疗机构信息变更", "待审核业务查询", "已审核业务查询"]
    tile = client.get(reverse("operators:item", args=["medins-info-change"]))
    assert tile["Location"] == CHANGE
    for name in ("pending", "reviewed"):
        check_page(client.get(reverse(f"institutions:medical-{name}")))


def test_the_form_shows_the_synced_record_read_only_and_asks_for_the_legal_rep(
    client: Client, hospital: Binding
) -> None:
    page = check_page(client.get(CHANGE))
    text = visible_text(page)
    assert "请先在贯标平台完成信息变更，网厅自动同步贯标平台变更信息，无需手动输入" in text
    assert "由于接口限制，法人相关信息无法同步" in text
    assert "数据同步时间：" in text and "贯标平台更新时间：2026-03-01 09:30:00" in text
    assert "昆明市西山区永昌西区社区卫生服务中心" in text and "二级甲等" in text and "正常联网" in text
    assert page.find("input", attrs={"name": "name"}) is None  # synced: shown, not asked
    assert "1101**********002X" in text  # the 负责人's ID number, masked
    for label in ("法人姓名", "法人证件类型", "法人证件号码", "法人联系电话", "贯标平台变更时间"):
        assert page.find("label", string=lambda s, label=label: bool(s) and s.strip() == label) is not None
    boxes = [label.get_text(strip=True) for label in page.select(".institution-items__boxes label")]
    assert boxes == [
        "变更法人信息",
        "变更负责人信息",
        "变更统一社会信用代码",
        "变更执业许可证登记号",
        "变更机构名称",
        "变更机构地址",
    ]
    downloads = [a["href"] for a in page.select(".materials-table a")]
    assert downloads == [reverse("institutions:medical-worksheet"), reverse("institutions:medical-pledge")]


def test_a_change_goes_through_the_workspace_to_review_return_resubmit_and_approval(
    client: Client, hospital: Binding, reviewer: User
) -> None:
    application = _draft(client)
    workspace = check_page(client.get(reverse("cases:edit", args=[application.pk])))
    rows = workspace.select(".materials-table tbody tr")
    assert len(rows) == 6
    assert [bool(r.select_one(".required-note")) for r in rows] == [True, True, True, True, True, False]
    assert [a["href"] for a in workspace.select(".materials-table a")] == [
        reverse("institutions:medical-worksheet"),
        reverse("institutions:medical-pledge"),
    ]
    assert workspace.select_one("form.form-actions button").get_text(strip=True) == "提交"

    # materials missing for a ticked item
    refused = visible_text(check_page(_submit(client, application)))
    assert (
        "请上传以下必传材料：《两定机构变更工作表》、《承诺书》、变更前/后的法人身份证、医疗机构许可证、营业执照/事业单位法人证书"
        in refused
    )
    # a template upload of the wrong type (checked by content)
    wrong = visible_text(check_page(_upload(client, application, WORKSHEET, fake_pdf())))
    assert "上传成功" not in wrong and Material.objects.count() == 0
    for code in NAME_CHANGE_MATERIALS:
        _upload(client, application, code)
    done = visible_text(check_page(_submit(client, application)))
    assert "定点医疗机构信息变更已提交，请等待医保经办机构审核" in done
    pending = visible_text(check_page(client.get(reverse("institutions:medical-pending"))))
    assert application.number in pending and "待审核" in pending

    # the reviewer sees the values at submission beside the record now, and the 法人 entered
    staff = Client()
    staff_login(staff, reviewer)
    review = check_page(staff.get(reverse("agency:review", args=[application.pk])))
    compared = {
        row.th.get_text(" ", strip=True).split(" ")[0]: [
            td.get_text(" ", strip=True) for td in row.find_all("td")
        ]
        for row in review.select(".agency-compare tbody tr")
    }
    assert compared["法人姓名"][2] == "王建国"
    assert compared["变更内容"][2] == "变更法人信息、变更机构名称"
    assert compared["医疗机构名称"][:2] == ["昆明市西山区永昌西区社区卫生服务中心"] * 2
    assert compared["数据同步时间"][0] != "—"
    _decide(reviewer, application, "return", "请补充加盖公章的承诺书")

    reviewed = visible_text(check_page(client.get(reverse("institutions:medical-reviewed"))))
    assert "退回补正" in reviewed and "退回原因：请补充加盖公章的承诺书" in reviewed
    form = visible_text(check_page(client.get(CHANGE)))
    assert "请补充加盖公章的承诺书" in form  # the returned application is the one being corrected
    _upload(client, application, PLEDGE)
    assert "已提交，请等待医保经办机构审核" in visible_text(check_page(_submit(client, application)))
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED

    _decide(reviewer, application, "approve", "")
    institution = Institution.objects.get(code="H53011200243")
    assert (institution.legrep_name, institution.legrep_certno, institution.legrep_tel) == (
        "王建国", "530102198001010015", "13888001122",
    )  # fmt: skip
    event = AuditEvent.objects.get(action="catalog.institution.change_recorded")
    assert event.after["application"] == application.number
    assert event.after["change_items"] == ["legrep", "name"]
    # The audit log keeps the 法人's ID number and phone masked.
    assert (event.after["legrep_certno"], event.after["legrep_tel"]) == ("5301**********0015", "138****1122")
    reviewed = visible_text(check_page(client.get(reverse("institutions:medical-reviewed"))))
    assert "审核通过" in reviewed
    assert application.number not in visible_text(
        check_page(client.get(reverse("institutions:medical-pending")))
    )


def test_a_rejection_shows_its_reason_in_the_reviewed_list(
    client: Client, hospital: Binding, reviewer: User
) -> None:
    application = _draft(client, change_items=["legrep"], plaf_changed_at="")
    for code in (WORKSHEET, PLEDGE, LEGAL_REP_ID, BUSINESS_LICENCE):
        _upload(client, application, code)
    _submit(client, application)
    _decide(reviewer, application, "reject", "法人身份证与营业执照不一致")
    reviewed = visible_text(check_page(client.get(reverse("institutions:medical-reviewed"))))
    assert "审核不通过" in reviewed and "不通过原因：法人身份证与营业执照不一致" in reviewed
    assert Institution.objects.get(code="H53011200243").legrep_name == ""  # nothing recorded


def test_a_platform_change_later_than_the_sync_is_refused_with_the_sync_time(
    client: Client, hospital: Binding
) -> None:
    response = client.post(CHANGE, change_data(plaf_changed_at="2026-03-01 09:31"))
    page = check_page(response, echoed=ECHO)
    text = visible_text(page)
    assert "网厅尚未同步您在贯标平台的变更" in text and "贯标平台更新时间2026-03-01 09:30:00" in text
    assert "请等待网厅界面信息为变更后的信息再提交" in text
    assert page.find("input", attrs={"name": "legrep_name"})["value"] == "王建国"  # nothing typed is lost
    assert Application.objects.count() == 0


def test_the_form_words_its_own_errors(client: Client, hospital: Binding) -> None:
    page = check_page(client.post(CHANGE, change_data(change_items=[], plaf_changed_at="")), echoed=ECHO)
    text = visible_text(page)
    assert "请勾选变更内容（在贯标平台变更的内容）" in text
    page = check_page(
        client.post(CHANGE, change_data(change_items=["address"], plaf_changed_at="")), echoed=ECHO
    )
    assert "请填写贯标平台变更时间" in visible_text(page)
    page = check_page(client.post(CHANGE, change_data(change_items=["name"])), echoed=ECHO)
    assert "您修改了法人信息，请在变更内容中勾选“变更法人信息”" in visible_text(page)
    assert Application.objects.count() == 0


def test_the_two_templates_are_filled_with_the_institution(client: Client, hospital: Binding) -> None:
    _draft(client)
    for name, title in (("worksheet", "两定机构变更工作表"), ("pledge", "承诺书")):
        response = client.get(reverse(f"institutions:medical-{name}"))
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        text = subprocess.run(
            ["/usr/bin/pdftotext", "-layout", "-", "-"],
            input=response.content,
            capture_output=True,
            check=True,
        ).stdout.decode()
        assert title in text.replace(" ", "")
        assert "H53011200243" in text and "52530112772686532W" in text
    worksheet = subprocess.run(
        ["/usr/bin/pdftotext", "-", "-"],
        input=client.get(reverse("institutions:medical-worksheet")).content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "王建国" in worksheet and "2026-03-01 09:00" in worksheet  # the change in preparation


def test_a_pharmacy_has_its_own_area_and_licence(client: Client) -> None:
    synced_pharmacy()
    operator_login(client, institution_binding("pharmacy"))
    page = check_page(client.get(reverse("institutions:pharmacy-change")))
    text = visible_text(page)
    assert "零售药店编号" in text and "P53010200007" in text and "药品经营许可证" in text
    assert "直营连锁" in text
    home = check_page(client.get(reverse("entry:operator-home") + "?tab=medical"))
    link = home.select_one(".more-services a")
    assert link["href"] == reverse("institutions:pharmacy-home")


def test_a_unit_without_the_role_and_an_operator_without_the_grant_are_refused(client: Client) -> None:
    synced_hospital()
    insured_only = grant(BindingFactory.create(), "medins-info-change")
    operator_login(client, insured_only)
    response = client.get(CHANGE)
    assert response.status_code == 403 and "角色认证" in response.content.decode()
    ungranted = institution_binding("medical", granted=False)
    operator_login(client, ungranted)
    assert client.get(CHANGE).status_code == 403
    assert client.get(reverse("institutions:medical-worksheet")).status_code == 403
    assert client.post(CHANGE, change_data()).status_code == 403
    assert Application.objects.count() == 0


def test_a_certified_unit_whose_record_is_gone_is_told_why(client: Client) -> None:
    operator_login(client, institution_binding("medical"))  # certified, but nothing synced with its USCC
    text = visible_text(check_page(client.get(CHANGE)))
    assert "未查询到本单位统一社会信用代码对应的定点医疗机构信息" in text
    assert client.get(reverse("institutions:medical-worksheet"))["Location"] == CHANGE


def test_another_units_application_is_not_found(client: Client, hospital: Binding) -> None:
    application = _draft(client)
    other = Client()
    stranger = grant(BindingFactory.create(unit=UnitFactory.create(roles=["medical"])), "medins-info-change")
    operator_login(other, stranger)
    for name in ("cases:edit", "cases:detail"):
        assert other.get(reverse(name, args=[application.pk])).status_code == 404
    response = other.post(
        reverse("cases:material-upload", args=[application.pk]),
        {"code": WORKSHEET, f"{WORKSHEET}-file": png_upload()},
    )
    assert response.status_code == 404
    assert other.post(reverse("cases:submit", args=[application.pk])).status_code == 404
    assert Application.objects.get(pk=application.pk).status == Status.DRAFT and Material.objects.count() == 0


def test_a_second_change_waits_while_the_first_is_under_review(client: Client, hospital: Binding) -> None:
    application = _draft(client, change_items=["legrep"], plaf_changed_at="")
    for code in (WORKSHEET, PLEDGE, LEGAL_REP_ID, BUSINESS_LICENCE):
        _upload(client, application, code)
    _submit(client, application)
    page = check_page(
        client.post(CHANGE, change_data(legrep_name="李四", change_items=["legrep"])), echoed=ECHO
    )
    assert application.number in visible_text(page)
    assert Application.objects.count() == 1
