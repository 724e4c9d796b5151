"""资质认证 through the test client: uploads checked by content, private storage, the guarded
file view, and the agency's review in the Django admin."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.pagecheck import check_page, visible_text
from yibao.core.tests.factories import BindingFactory, UnitFactory, staff_login
from yibao.notices.models import Message
from yibao.units.models import LicenceSubmission, RoleCertification, Unit, UnitRole
from yibao.units.tests.helpers import PDF, PDF_WITH_SCRIPT, png_bytes, upload

pytestmark = pytest.mark.django_db

UPLOAD = "/hall/unit/qualification/upload/"


@pytest.fixture
def unit(client) -> Unit:
    unit = UnitFactory.create()
    client.force_login(unit.account)
    return unit


def stored_files() -> set[Path]:
    root = Path(settings.YIBAO_PRIVATE_MEDIA_ROOT)
    return set(root.rglob("*")) if root.exists() else set()


def errors(response) -> list[str]:
    return [li.get_text() for li in check_page(response).select(".error-summary li")]


def test_qualification_page_offers_the_upload(client, unit, get_page) -> None:
    soup = get_page("/hall/unit/qualification/")
    row = visible_text(soup.select_one("tbody tr"))
    assert "营业执照上传" in row and "未认证" in row and "去上传" in row
    form = get_page(UPLOAD).select_one("main form")
    assert form["enctype"] == "multipart/form-data" and form.has_attr("novalidate")
    assert form.select_one("label").get_text() == "营业执照"
    assert form.select_one("button").get_text() == "提交"


def test_png_upload_goes_pending_and_the_admin_sees_it_inline(client, unit) -> None:
    response = client.post(UPLOAD, {"licence": upload("执照.png", png_bytes(), "image/png")})
    assert response["Location"] == "/hall/unit/qualification/"
    soup = check_page(client.get("/hall/unit/qualification/"))
    text = visible_text(soup)
    assert "营业执照已提交，请等待医保经办机构审核" in text
    assert "待审核" in text and "去上传" not in text
    submission = LicenceSubmission.objects.get(unit=unit)
    assert "执照" not in submission.file.name

    link = soup.find("a", string="查看营业执照")["href"]
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"


def test_pdf_upload_is_accepted(client, unit) -> None:
    client.post(UPLOAD, {"licence": upload("licence.pdf", PDF, "application/pdf")})
    submission = LicenceSubmission.objects.get(unit=unit)
    assert (submission.content_type, submission.file.name[-4:]) == ("application/pdf", ".pdf")


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        (
            "licence.png",
            b"this is really text, not an image",
            "image/png",
            "文件格式不正确，仅支持JPG 图片、PNG 图片、PDF 文件",
        ),
        (
            "licence.pdf",
            PDF_WITH_SCRIPT,
            "application/pdf",
            "PDF 文件含有脚本、自动执行的动作、表单或嵌入文件，不能上传",
        ),
        ("licence.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif", "文件格式不正确"),
        ("licence.png", b"\x89PNG\r\n\x1a\nbroken", "image/png", "图片文件已损坏或无法识别"),
    ],
)
def test_forged_or_unsafe_files_are_refused_and_nothing_stored(
    client, unit, name, content, content_type, message
) -> None:
    before = stored_files()
    response = client.post(UPLOAD, {"licence": upload(name, content, content_type)})
    assert any(e.startswith(f"营业执照：{message}") for e in errors(response))
    assert stored_files() == before
    assert not LicenceSubmission.objects.exists()
    unit.refresh_from_db()
    assert unit.qualification == Unit.Qualification.UNCERTIFIED


def test_oversize_file_is_refused(client, unit, settings) -> None:
    settings.YIBAO_UPLOAD_MAX_BYTES = 1024
    before = stored_files()
    response = client.post(
        UPLOAD, {"licence": upload("big.png", png_bytes((400, 400)) + b"0" * 2048, "image/png")}
    )
    assert "营业执照：文件大小不能超过1KB" in errors(response)
    assert stored_files() == before
    assert not LicenceSubmission.objects.exists()


def test_missing_file_says_upload_it(client, unit) -> None:
    assert "营业执照：请上传营业执照" in errors(client.post(UPLOAD, {}))


def test_upload_page_refused_while_pending(client, unit) -> None:
    client.post(UPLOAD, {"licence": upload("a.png", png_bytes(), "image/png")})
    response = client.get(UPLOAD)
    assert response["Location"] == "/hall/unit/qualification/"
    assert "请勿重复提交" in visible_text(check_page(client.get("/hall/unit/qualification/")))
    client.post(UPLOAD, {"licence": upload("b.png", png_bytes(), "image/png")})
    assert LicenceSubmission.objects.count() == 1


# --- who may see a licence -------------------------------------------------------------------


@pytest.fixture
def licence_url(client, unit) -> str:
    client.post(UPLOAD, {"licence": upload("a.png", png_bytes(), "image/png")})
    client.logout()
    return f"/hall/unit/qualification/licences/{LicenceSubmission.objects.get(unit=unit).pk}/"


def test_another_units_admin_gets_404(client, licence_url) -> None:
    other = UnitFactory.create()
    client.force_login(other.account)
    assert client.get(licence_url).status_code == 404
    assert client.get("/hall/unit/qualification/licences/999999/").status_code == 404


def test_operator_staff_and_anonymous_are_refused(client, unit, licence_url, staff_user) -> None:
    response = client.get(licence_url)
    assert response.status_code == 302 and response["Location"].startswith("/hall/login/")
    client.force_login(BindingFactory.create(unit=unit).operator.user)
    assert client.get(licence_url).status_code == 403
    staff_login(client, staff_user)
    assert client.get(licence_url).status_code == 403


# --- the agency's review in the Django admin --------------------------------------------------


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="admin", password="Admin2026x", kind="staff")
    staff_login(client, user)
    return client


def submitted(unit: Unit) -> LicenceSubmission:
    import io

    from yibao.core.uploads import upload_check
    from yibao.units.services import licence_submit
    from yibao.units.tests.helpers import account_of

    return licence_submit(unit=unit, actor=account_of(unit), upload=upload_check(io.BytesIO(png_bytes())))


def test_admin_approves_a_licence(admin_client) -> None:
    unit = UnitFactory.create()
    submission = submitted(unit)
    assert admin_client.get("/admin/units/licencesubmission/").status_code == 200
    file_response = admin_client.get(f"/admin/units/licencesubmission/{submission.pk}/file/")
    assert file_response["Content-Type"] == "image/png"
    response = admin_client.post(
        "/admin/units/licencesubmission/", {"action": "approve", "_selected_action": [submission.pk]}
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.qualification == Unit.Qualification.CERTIFIED
    assert Message.objects.get(unit=unit).title == "资质认证已通过"


def test_admin_rejection_asks_for_a_reason(admin_client) -> None:
    unit = UnitFactory.create()
    submission = submitted(unit)
    url = "/admin/units/licencesubmission/"
    response = admin_client.post(url, {"action": "reject", "_selected_action": [submission.pk]})
    assert response.status_code == 200
    assert "不通过原因" in response.content.decode()
    response = admin_client.post(url, {"action": "reject", "_selected_action": [submission.pk], "apply": "1"})
    assert "请填写不通过的原因，原因将通知单位" in response.content.decode()
    unit.refresh_from_db()
    assert unit.qualification == Unit.Qualification.PENDING

    response = admin_client.post(
        url,
        {"action": "reject", "_selected_action": [submission.pk], "apply": "1", "reason": "营业执照已过期"},
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.qualification == Unit.Qualification.FAILED
    message = Message.objects.get(unit=unit)
    assert message.title == "资质认证未通过" and "营业执照已过期" in message.body


def test_failed_licence_shows_the_reason_and_allows_a_new_upload(client, admin_client) -> None:
    unit = UnitFactory.create()
    submission = submitted(unit)
    admin_client.post(
        "/admin/units/licencesubmission/",
        {"action": "reject", "_selected_action": [submission.pk], "apply": "1", "reason": "照片模糊"},
    )
    client.force_login(unit.account)
    row = visible_text(check_page(client.get("/hall/unit/qualification/")).select_one("tbody tr"))
    assert "认证失败" in row and "未通过原因：照片模糊" in row and "重新上传" in row


def test_admin_decides_pending_roles(admin_client) -> None:
    unit = UnitFactory.create()
    pending = RoleCertification.objects.create(unit=unit, role=UnitRole.PROCUREMENT)
    certified = RoleCertification.objects.get(unit=unit, role=UnitRole.INSURED)
    response = admin_client.post(
        "/admin/units/rolecertification/",
        {"action": "approve", "_selected_action": [pending.pk, certified.pk]},
        follow=True,
    )
    page = response.content.decode()
    assert "该申请已审核，不能重复审核" in page
    pending.refresh_from_db()
    assert pending.status == RoleCertification.Status.CERTIFIED
    assert list(Message.objects.filter(unit=unit).values_list("title", flat=True)) == [
        "招采企业角色认证已通过"
    ]


def test_admin_edits_credit_rules_through_the_service(admin_client) -> None:
    from yibao.core.models import AuditEvent
    from yibao.units.models import CreditRule

    rule = CreditRule.objects.get(code="unpaid")
    response = admin_client.post(
        f"/admin/units/creditrule/{rule.pk}/change/",
        {
            "code": "unpaid",
            "name": "存在未到账缴费",
            "description": "",
            "condition": "unpaid",
            "points": "-30",
            "is_active": "on",
            "sort_order": "70",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.points == -30
    assert AuditEvent.objects.filter(action="creditrule_changed", object_id=str(rule.pk)).count() == 1
