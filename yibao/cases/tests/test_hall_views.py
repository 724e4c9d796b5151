"""The operator's application pages: change form, workspace, materials, print, submit."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.pagecheck import check_page
from yibao.cases.models import Application, Material, Status
from yibao.core.tests.factories import BindingFactory, grant
from yibao.operators.models import Binding
from yibao.operators.session import CURRENT_UNIT_KEY
from yibao.units.tests.helpers import PDF, png_bytes

pytestmark = pytest.mark.django_db
NEW_ID = "110101199003070011"
KEY = {
    "name": "昆明新名称科技有限公司", "emp_type": "10", "address": "昆明市盘龙区2号",
    "legal_rep_name": "王强", "legal_rep_cert_type": "01", "legal_rep_cert_no": NEW_ID,
}  # fmt: skip


@pytest.fixture
def binding(client: Client) -> Binding:
    binding = grant(BindingFactory.create(), "unit-info-change", "unit-key-info-change")
    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit_id
    session.save()
    return binding


def upload(
    client: Client, application: Application, code: str, content: bytes, name: str = "scan.png"
) -> None:
    client.post(
        reverse("cases:material-upload", args=[application.pk]),
        {"code": code, f"{code}-file": SimpleUploadedFile(name, content, content_type="image/png")},
    )


def test_the_key_change_flow_print_upload_submit(client: Client, binding: Binding) -> None:
    response = client.post(reverse("changes:unit-key-info-change"), KEY)
    application = Application.objects.get()
    assert response["Location"] == reverse("cases:edit", args=[application.pk])
    soup = check_page(client.get(response["Location"]))
    save = soup.find("button", string="已打印盖章，继续上传并保存")
    assert save is not None and save.has_attr("disabled")
    assert len(soup.select(".change-table__changed")) == 4  # 单位类型 stays 10
    assert NEW_ID not in soup.get_text()  # masked

    refused = client.post(reverse("cases:submit", args=[application.pk]), {"submit_key": "s1"}, follow=True)
    assert "请先点击【打印报表】" in check_page(refused).get_text()
    printed = client.post(reverse("cases:print", args=[application.pk]))
    assert printed["Location"] == reverse("cases:form-pdf", args=[application.pk])

    upload(client, application, "stamped-form", b"not an image at all", name="forged.png")
    assert not Material.objects.exists()
    upload(client, application, "stamped-form", png_bytes())
    missing = client.post(reverse("cases:submit", args=[application.pk]), {"submit_key": "s2"}, follow=True)
    assert "请上传以下必传材料：营业执照" in check_page(missing).get_text()
    upload(client, application, "licence", png_bytes())
    done = client.post(reverse("cases:submit", args=[application.pk]), {"submit_key": "s3"}, follow=True)
    assert "单位参保关键信息变更已提交，请等待医保经办机构审核" in check_page(done).get_text()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    again = client.post(reverse("cases:submit", args=[application.pk]), {"submit_key": "s3"}, follow=True)
    assert again.status_code == 200
    assert application.events.filter(action="submitted").count() == 1


def test_a_material_is_served_only_to_those_who_may_see_the_application(
    client: Client, binding: Binding
) -> None:
    client.post(reverse("changes:unit-key-info-change"), KEY)
    application = Application.objects.get()
    upload(client, application, "licence", png_bytes())
    material = Material.objects.get()
    url = reverse("cases:material", args=[application.pk, material.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    other = grant(BindingFactory.create(), "unit-key-info-change", "case-records")
    client.force_login(other.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = other.unit_id
    session.save()
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("cases:material-remove", args=[application.pk, material.pk])).status_code == 404
    )
    assert Material.objects.filter(pk=material.pk).exists()


def test_a_pdf_material_is_a_download_never_a_page_of_the_hall(client: Client, binding: Binding) -> None:
    client.post(reverse("changes:unit-key-info-change"), KEY)
    application = Application.objects.get()
    client.post(
        reverse("cases:material-upload", args=[application.pk]),
        {"code": "licence", "licence-file": SimpleUploadedFile("执照.pdf", PDF, "application/pdf")},
    )
    material = Material.objects.get()
    response = client.get(reverse("cases:material", args=[application.pk, material.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{application.number}-licence.pdf"'
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Cache-Control"] == "private, no-store"


def test_an_oversize_material_is_refused_with_the_limit(client: Client, binding: Binding, settings) -> None:
    settings.YIBAO_UPLOAD_MAX_BYTES = 1024
    client.post(reverse("changes:unit-key-info-change"), KEY)
    application = Application.objects.get()
    response = client.post(
        reverse("cases:material-upload", args=[application.pk]),
        {
            "code": "licence",
            "licence-file": SimpleUploadedFile("big.png", png_bytes((800, 800)), "image/png"),
        },
        follow=True,
    )
    messages = check_page(response).select_one(".messages")
    assert messages is not None and "文件大小不能超过" in messages.get_text()
    assert not Material.objects.exists()
