"""单位参保非关键信息变更 and 单位参保关键信息变更 through the application machinery."""

from __future__ import annotations

import io

import pytest

from yibao.cases import services
from yibao.cases.models import Application, ReviewerRegion, Status
from yibao.changes.unit_types import UNIT_INFO_CHANGE, UNIT_KEY_INFO_CHANGE
from yibao.core.errors import ApplicationError
from yibao.core.tests.factories import BindingFactory, UserFactory, grant
from yibao.core.uploads import upload_check
from yibao.operators.models import Binding
from yibao.units.models import Unit
from yibao.units.tests.helpers import png_bytes

pytestmark = pytest.mark.django_db
NEW_ID = "110101199003070011"


@pytest.fixture
def binding() -> Binding:
    return grant(BindingFactory.create(), "unit-info-change", "unit-key-info-change")


NON_KEY = {
    "contact_name": "周敏",
    "contact_phone": "0871-63123456",
    "contact_address": "昆明市五华区1号",
    "postcode": "650031",
}
KEY = {
    "name": "昆明新名称科技有限公司", "emp_type": "10", "address": "昆明市盘龙区2号",
    "legal_rep_name": "王强", "legal_rep_cert_type": "01", "legal_rep_cert_no": NEW_ID,
}  # fmt: skip


def test_a_non_key_change_applies_at_once_by_default(binding: Binding) -> None:
    user = binding.operator.user
    draft = services.application_draft_save(
        kind=UNIT_INFO_CHANGE, unit=binding.unit, actor=user, payload=NON_KEY
    )
    application = services.application_submit(application=draft, actor=user)
    assert application.status == Status.APPROVED
    unit = Unit.objects.get(pk=binding.unit_id)
    assert (unit.contact_name, unit.contact_phone, unit.postcode) == ("周敏", "0871-63123456", "650031")
    assert application.before["contact_name"] == "" and application.payload["contact_name"] == "周敏"


def test_a_non_key_change_waits_for_review_when_configured(binding: Binding, settings) -> None:
    settings.YIBAO_UNIT_INFO_AUTO_APPROVE = False
    user = binding.operator.user
    draft = services.application_draft_save(
        kind=UNIT_INFO_CHANGE, unit=binding.unit, actor=user, payload=NON_KEY
    )
    assert services.application_submit(application=draft, actor=user).status == Status.SUBMITTED
    assert Unit.objects.get(pk=binding.unit_id).contact_name == ""


def test_bad_values_are_refused_with_the_field_named(binding: Binding) -> None:
    with pytest.raises(ApplicationError) as caught:
        services.application_draft_save(
            kind=UNIT_INFO_CHANGE,
            unit=binding.unit,
            actor=binding.operator.user,
            payload={**NON_KEY, "postcode": "12"},
        )
    assert caught.value.message.startswith("邮政编码：")
    with pytest.raises(ApplicationError) as caught:
        services.application_draft_save(
            kind=UNIT_KEY_INFO_CHANGE, unit=binding.unit, actor=binding.operator.user,
            payload={**KEY, "legal_rep_cert_no": "110101199003070012"},
        )  # fmt: skip
    assert caught.value.message.startswith("法定代表人证件号码：")
    assert not Application.objects.exists()


def test_the_uscc_cannot_be_changed_by_a_tampered_payload(binding: Binding) -> None:
    draft = services.application_draft_save(
        kind=UNIT_KEY_INFO_CHANGE, unit=binding.unit, actor=binding.operator.user,
        payload={**KEY, "uscc": "91350200776049653A"},
    )  # fmt: skip
    assert "uscc" not in draft.payload
    with pytest.raises(ApplicationError):
        services.application_draft_save(
            kind=UNIT_KEY_INFO_CHANGE,
            unit=binding.unit,
            actor=binding.operator.user,
            payload={**KEY, "account_id": 1},
        )


def test_a_key_change_needs_the_printed_form_the_materials_and_review(binding: Binding) -> None:
    user = binding.operator.user
    reviewer = UserFactory.create(is_staff=True, username="shenhe-key")
    ReviewerRegion.objects.create(reviewer=reviewer, division_id="530100")
    draft = services.application_draft_save(
        kind=UNIT_KEY_INFO_CHANGE, unit=binding.unit, actor=user, payload=KEY
    )
    with pytest.raises(ApplicationError) as caught:
        services.application_submit(application=draft, actor=user)
    assert caught.value.message.startswith("请先点击【打印报表】")
    services.application_print_mark(application=draft, actor=user)
    with pytest.raises(ApplicationError) as caught:
        services.application_submit(application=draft, actor=user)
    assert caught.value.message == "请上传以下必传材料：单位参保关键信息变更表、营业执照"
    for code in ("stamped-form", "licence"):
        services.material_upload(
            application=draft, code=code, upload=upload_check(io.BytesIO(png_bytes())), original_name="scan.png",
            actor=user,
        )  # fmt: skip
    application = services.application_submit(application=draft, actor=user)
    assert application.status == Status.SUBMITTED
    assert Unit.objects.get(pk=binding.unit_id).name != KEY["name"]
    services.application_claim(application=application, reviewer=reviewer)
    services.application_approve(application=application, reviewer=reviewer)
    unit = Unit.objects.get(pk=binding.unit_id)
    assert (unit.name, unit.legal_rep_name, unit.legal_rep_cert_no) == (KEY["name"], "王强", NEW_ID)


def test_materials_only_while_editable_and_only_declared_ones(binding: Binding) -> None:
    user = binding.operator.user
    draft = services.application_draft_save(
        kind=UNIT_KEY_INFO_CHANGE, unit=binding.unit, actor=user, payload=KEY
    )
    with pytest.raises(ApplicationError) as caught:
        services.material_upload(application=draft, code="passport", upload=upload_check(io.BytesIO(png_bytes())),
                                 original_name="x.png", actor=user)  # fmt: skip
    assert caught.value.message.startswith("该业务不需要此材料")
    material = services.material_upload(application=draft, code="licence",
                                        upload=upload_check(io.BytesIO(png_bytes())), original_name="x.png",
                                        actor=user)  # fmt: skip
    assert material.file.name.startswith("materials/") and material.file.name.endswith(".png")
    services.material_remove(application=draft, material_id=material.pk, actor=user)
    assert not draft.materials.exists()
