"""The 信息变更 pages through the test client: the unit's and the person's forms, page checks,
masking, refusals, the double click."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.pagecheck import check_page, visible_text
from yibao.cases.models import Application, Material, Status
from yibao.core.masking import mask_id_number
from yibao.core.tests.factories import BindingFactory, InsuranceFactory, grant
from yibao.enrollment.models import Insurance, Person
from yibao.enrollment.rules import id_facts
from yibao.operators.models import Binding
from yibao.operators.session import CURRENT_UNIT_KEY
from yibao.units.models import Unit
from yibao.units.tests.helpers import png_bytes

pytestmark = pytest.mark.django_db
KEY = {
    "name": "昆明新名称科技有限公司", "emp_type": "10", "address": "昆明市盘龙区2号",
    "legal_rep_name": "王强", "legal_rep_cert_type": "01", "legal_rep_cert_no": "110101199003070011",
}  # fmt: skip
ITEMS = ("unit-info-change", "unit-key-info-change", "employee-key-info-change", "employee-info-change")


@pytest.fixture
def binding(client: Client) -> Binding:
    binding = grant(BindingFactory.create(), *ITEMS)
    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit_id
    session.save()
    return binding


def test_the_item_tiles_lead_to_the_pages(client: Client, binding: Binding) -> None:
    for code in ITEMS:
        response = client.get(reverse("operators:item", args=[code]))
        assert response.status_code == 302 and response["Location"] == reverse(f"changes:{code}")
        check_page(client.get(response["Location"]))


def test_the_unit_form_shows_what_cannot_change_and_asks_the_rest(client: Client, binding: Binding) -> None:
    soup = check_page(client.get(reverse("changes:unit-key-info-change")))
    assert soup.find("label", attrs={"for": "id_name"}) is not None
    assert soup.find("input", attrs={"name": "uscc"}) is None  # not editable: shown, not asked
    assert binding.unit.uscc in soup.get_text()


def test_a_non_key_unit_change_goes_on_to_upload_materials_then_save(
    client: Client, binding: Binding
) -> None:
    """Henan 004: 填写所需数据，上传材料，点击“保存”进行业务提交 — the form leads to the workspace,
    where the material is uploaded and 保存 submits (applied at once by default)."""
    data = {
        "contact_name": "周敏",
        "contact_phone": "13912345678",
        "contact_address": "昆明市1号",
        "postcode": "650031",
    }
    form = check_page(client.get(reverse("changes:unit-info-change")))
    assert [b.get_text() for b in form.select(".form-actions button")] == ["下一步"]
    assert "下一步：上传材料（其他证明材料，如有），点击“保存”进行业务提交。" in visible_text(form)
    response = client.post(reverse("changes:unit-info-change"), {**data, "submit_key": "k1"})
    application = Application.objects.get()
    assert response["Location"] == reverse("cases:edit", args=[application.pk])
    assert application.status == Status.DRAFT
    assert Unit.objects.get(pk=binding.unit_id).contact_name != "周敏"  # nothing applied yet
    workspace = check_page(client.get(response["Location"]))
    assert workspace.find("label", string="上传其他证明材料") is not None
    client.post(
        reverse("cases:material-upload", args=[application.pk]),
        {
            "code": "other",
            "other-file": SimpleUploadedFile("证明.png", png_bytes(), content_type="image/png"),
        },
    )
    assert Material.objects.filter(application=application, code="other").count() == 1
    submit_key = check_page(client.get(response["Location"])).select_one("input[name=submit_key]")["value"]
    saved = client.post(
        reverse("cases:submit", args=[application.pk]), {"submit_key": submit_key}, follow=True
    )
    assert "单位参保非关键信息变更提交成功，变更已生效" in check_page(saved).get_text()
    assert Unit.objects.get(pk=binding.unit_id).contact_name == "周敏"
    again = client.post(reverse("cases:submit", args=[application.pk]), {"submit_key": submit_key})
    assert again.status_code == 302
    assert Application.objects.count() == 1  # the double click made one application


def test_an_unchanged_unit_form_is_refused_before_any_draft(client: Client, binding: Binding) -> None:
    data = {"contact_name": "周敏", "contact_phone": "0871-63123456", "contact_address": "昆明市1号",
            "postcode": "650031"}  # fmt: skip
    Unit.objects.filter(pk=binding.unit_id).update(**data)
    response = client.post(reverse("changes:unit-info-change"), {**data, "submit_key": "k1"})
    assert "您未修改任何信息，无需提交" in visible_text(check_page(response))
    assert not Application.objects.exists()  # refused as the person's form is: no draft left behind


def test_the_postcode_is_optional_as_in_the_national_manual(client: Client, binding: Binding) -> None:
    data = {"contact_name": "周敏", "contact_phone": "0871-63123456", "contact_address": "昆明市1号",
            "postcode": ""}  # fmt: skip
    response = client.post(reverse("changes:unit-info-change"), {**data, "submit_key": "k1"})
    assert response.status_code == 302, visible_text(check_page(response))
    assert Application.objects.get().payload["postcode"] == ""
    wrong = client.post(reverse("changes:unit-info-change"), {**data, "postcode": "12", "submit_key": "k2"})
    assert "邮政编码" in visible_text(check_page(wrong).select_one(".error-summary"))


def test_a_tampered_form_cannot_change_the_uscc(client: Client, binding: Binding) -> None:
    client.post(reverse("changes:unit-key-info-change"), {**KEY, "uscc": "91350200776049653A"})
    application = Application.objects.get()
    assert "uscc" not in application.payload


def consistent(insurance: Insurance) -> Person:
    person = insurance.person
    facts = id_facts(person.cert_type, person.cert_no)
    assert facts is not None
    Person.objects.filter(pk=person.pk).update(gender=facts[0], birth_date=facts[1])
    person.refresh_from_db()
    return person


def test_key_change_search_then_form_then_workspace(client: Client, binding: Binding) -> None:
    person = consistent(InsuranceFactory.create(unit=binding.unit))
    response = client.post(reverse("changes:employee-key-info-change"), {"cert_no": person.cert_no})
    form_url = reverse("changes:employee-key-info-change-person", args=[person.pk])
    assert response["Location"] == form_url
    soup = check_page(client.get(form_url))
    assert soup.find("label", attrs={"for": "id_name"}) is not None
    assert soup.find("input", attrs={"name": "cert_no"}) is None  # shown masked, not asked
    assert mask_id_number(person.cert_no) in visible_text(soup)
    data = {"name": "王芳芳", "gender": person.gender, "birth_date": person.birth_date.isoformat(),
            "first_work_date": "", "cert_no": "110101199003070011"}  # fmt: skip
    response = client.post(form_url, data)
    application = Application.objects.get()
    assert response["Location"] == reverse("cases:edit", args=[application.pk])
    assert application.payload == {
        "person": str(person.pk),
        **{k: v for k, v in data.items() if k != "cert_no"},
    }
    text = visible_text(check_page(client.get(response["Location"])))
    assert "王芳芳" in text and "职工参保关键信息变更表" in text


def test_unchanged_values_and_strangers_are_refused(client: Client, binding: Binding) -> None:
    person = consistent(InsuranceFactory.create(unit=binding.unit))
    form_url = reverse("changes:employee-key-info-change-person", args=[person.pk])
    data = {"name": person.name, "gender": person.gender, "birth_date": person.birth_date.isoformat()}
    assert "您未修改任何信息，无需提交" in visible_text(check_page(client.post(form_url, data)))
    stranger = InsuranceFactory.create().person
    assert (
        client.get(reverse("changes:employee-key-info-change-person", args=[stranger.pk])).status_code == 404
    )
    assert (
        client.post(reverse("changes:employee-info-change-person", args=[stranger.pk]), {}).status_code == 404
    )
    response = client.post(reverse("changes:employee-key-info-change"), {"cert_no": stranger.cert_no})
    assert "未查询到该人员在本单位的参保信息" in visible_text(
        check_page(response, echoed=(stranger.cert_no,))
    )
    assert not Application.objects.exists()


def test_non_key_change_saves_in_one_step_and_keeps_an_empty_mobile(client: Client, binding: Binding) -> None:
    person = InsuranceFactory.create(unit=binding.unit, emp_form="1").person
    form_url = reverse("changes:employee-info-change-person", args=[person.pk])
    soup = check_page(client.get(form_url))
    assert "当前：137****" in visible_text(soup)
    data = {"mobile": "", "address": "昆明市五华区1号", "nation": "01", "emp_form": "1", "submit_key": "k1"}
    form = check_page(client.get(form_url))
    assert [b.get_text() for b in form.select(".form-actions button")] == ["保存"]  # no material, no form
    response = client.post(form_url, data, follow=True)
    assert "职工参保非关键信息变更提交成功，变更已生效" in visible_text(check_page(response))
    updated = Person.objects.get(pk=person.pk)
    assert (updated.address, updated.mobile) == ("昆明市五华区1号", person.mobile)
    client.post(form_url, data)
    assert Application.objects.count() == 1  # the double click made one application
