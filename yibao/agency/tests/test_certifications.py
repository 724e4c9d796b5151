"""资质认证 and 角色认证 on the workbench: listed by region, the licence drawn as images, and the
decisions made through the unit services (the Django admin actions still work too)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from tests.pagecheck import check_page, visible_text
from yibao.agency.tests.helpers import reviewer
from yibao.core.tests.factories import UnitFactory, staff_login
from yibao.core.uploads import upload_check
from yibao.notices.models import Message
from yibao.units.models import LicenceSubmission, RoleCertification, Unit, UnitRole
from yibao.units.services import licence_submit
from yibao.units.tests.helpers import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit() -> Unit:
    return UnitFactory.create()


@pytest.fixture
def licence(unit: Unit) -> LicenceSubmission:
    assert unit.account is not None
    return licence_submit(unit=unit, actor=unit.account, upload=upload_check(io.BytesIO(PDF)))


@pytest.fixture
def role(unit: Unit) -> RoleCertification:
    return RoleCertification.objects.create(
        unit=unit, role=UnitRole.PROCUREMENT, reason="已提交医保经办机构审核"
    )


@pytest.fixture
def shenhe(client: Client) -> Any:
    user = reviewer()
    staff_login(client, user)
    return user


def errors(soup: Any) -> list[str]:
    return [visible_text(li) for li in soup.select(".error-summary li")]


def test_pending_certifications_are_listed(client, shenhe, licence, role, get_page) -> None:
    soup = get_page("/agency/certifications/")
    assert [visible_text(a) for a in soup.select(".tabs a")] == ["资质认证（1）", "角色认证（1）"]
    row = soup.select_one("tbody tr")
    assert licence.unit.name in visible_text(row)
    assert row.select_one("a")["href"] == f"/agency/certifications/licences/{licence.pk}/"
    soup = get_page("/agency/certifications/?tab=roles")
    row = soup.select_one("tbody tr")
    assert "招采企业" in visible_text(row)
    assert row.select_one("a")["href"] == f"/agency/certifications/roles/{role.pk}/"


def test_the_licence_is_drawn_as_page_images_and_the_pdf_is_only_a_download(
    client, shenhe, licence, get_page
) -> None:
    soup = get_page(f"/agency/certifications/licences/{licence.pk}/")
    assert soup.select_one("iframe") is None  # the PDF never opens under the hall's origin
    page = soup.select_one("img.agency-material__page")
    assert page["alt"] == f"{licence.unit.name}的营业执照 第1页"
    assert page["src"] == f"/agency/certifications/licences/{licence.pk}/pages/1/"
    image = client.get(page["src"])
    assert (image.status_code, image["Content-Type"]) == (200, "image/png")
    assert image.content.startswith(b"\x89PNG")
    assert client.get(f"/agency/certifications/licences/{licence.pk}/pages/2/").status_code == 404

    download = soup.find("a", string="下载原文件")
    response = client.get(download["href"])
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == f"attachment; filename*=utf-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7-{licence.pk}.pdf"
    )
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == upload_check(io.BytesIO(PDF)).content  # as rewritten
    assert [b.get_text() for b in soup.select(".agency-decision button")] == ["通过", "不通过"]


def test_another_regions_reviewer_gets_no_page_of_the_licence(client, licence) -> None:
    staff_login(client, reviewer("shenhe-bj", region="110000"))
    for path in ("pages/1/", "file/"):
        assert client.get(f"/agency/certifications/licences/{licence.pk}/{path}").status_code == 404


def test_approving_a_licence_certifies_the_unit(client, shenhe, licence) -> None:
    response = client.post(f"/agency/certifications/licences/{licence.pk}/", {"decision": "approve"})
    assert response.status_code == 302 and response["Location"] == "/agency/certifications/?tab=licences"
    licence.refresh_from_db()
    assert (licence.status, licence.reviewed_by) == (LicenceSubmission.Status.APPROVED, shenhe)
    assert Unit.objects.get(pk=licence.unit_id).qualification == Unit.Qualification.CERTIFIED
    soup = check_page(client.get(response["Location"]))
    assert "的资质认证审核通过" in visible_text(soup.select_one(".messages"))


def test_rejecting_a_licence_needs_a_reason(client, shenhe, licence) -> None:
    url = f"/agency/certifications/licences/{licence.pk}/"
    soup = check_page(client.post(url, {"decision": "reject", "reason": ""}))
    assert errors(soup) == ["审核意见：请填写不通过的原因，原因将通知单位"]
    licence.refresh_from_db()
    assert licence.status == LicenceSubmission.Status.PENDING
    client.post(url, {"decision": "reject", "reason": "执照模糊"})
    licence.refresh_from_db()
    assert (licence.status, licence.reason) == (LicenceSubmission.Status.REJECTED, "执照模糊")
    assert Message.objects.filter(unit=licence.unit, title="资质认证未通过").exists()
    soup = check_page(client.post(url, {"decision": "approve"}))  # twice: refused, nothing changes
    assert errors(soup) == ["该申请已审核，不能重复审核"]
    assert Unit.objects.get(pk=licence.unit_id).qualification == Unit.Qualification.FAILED


def test_role_certification_review(client, shenhe, role, get_page) -> None:
    url = f"/agency/certifications/roles/{role.pk}/"
    soup = get_page(url)
    assert "招采企业" in visible_text(soup.select_one(".agency-summary"))
    soup = check_page(client.post(url, {"decision": "reject"}))
    assert errors(soup) == ["审核意见：请填写不通过的原因，原因将通知单位"]
    response = client.post(url, {"decision": "approve"})
    assert response["Location"] == "/agency/certifications/?tab=roles"
    role.refresh_from_db()
    assert (role.status, role.decided_by) == (RoleCertification.Status.CERTIFIED, shenhe)


def test_other_regions_certifications_are_not_found(client, licence, role) -> None:
    staff_login(client, reviewer("shenhe-bj", region="110000"))
    for url in (
        f"/agency/certifications/licences/{licence.pk}/",
        f"/agency/certifications/licences/{licence.pk}/file/",
        f"/agency/certifications/roles/{role.pk}/",
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"decision": "approve"}).status_code == 404
    licence.refresh_from_db()
    role.refresh_from_db()
    assert (licence.status, role.status) == (
        LicenceSubmission.Status.PENDING,
        RoleCertification.Status.PENDING,
    )


def test_the_admin_actions_still_decide(admin_client, licence) -> None:
    response = admin_client.post(
        "/admin/units/licencesubmission/", {"action": "approve", "_selected_action": [licence.pk]}
    )
    assert response.status_code == 302
    licence.refresh_from_db()
    assert licence.status == LicenceSubmission.Status.APPROVED


def test_the_admin_lists_applications_and_reviewer_regions(admin_client, shenhe) -> None:
    assert admin_client.get("/admin/cases/application/").status_code == 200
    assert admin_client.get("/admin/cases/reviewerregion/").status_code == 200
    assert admin_client.get("/admin/cases/application/add/").status_code == 403
    response = admin_client.get(f"/admin/accounts/user/{shenhe.pk}/change/")
    assert response.status_code == 200 and "审核员负责区划" in response.content.decode()
