"""The stamped scan of the printed form (盖章扫描件) must show the content as submitted: a change
of the content after printing voids the print and every scan of it, and is an event in the
application's history."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from tests.pagecheck import check_page, visible_text
from yibao.agency.tests.helpers import KEY, key_change_binding, reviewer, submitted_key_change, upload
from yibao.cases import services
from yibao.cases.error_codes import CaseErrorCode
from yibao.cases.models import Application, Event, Status
from yibao.cases.tests.batches import batch_application, line_data
from yibao.changes.unit_types import UNIT_KEY_INFO_CHANGE
from yibao.core.errors import ApplicationError
from yibao.core.tests.factories import BindingFactory, grant, operator_login
from yibao.core.uploads import upload_check
from yibao.enrollment.batch_import import EMPLOYEE_ENROLLMENT_BATCH
from yibao.operators.models import Binding
from yibao.units.tests.helpers import png_bytes

pytestmark = pytest.mark.django_db


def returned(binding: Binding) -> Application:
    application = submitted_key_change(binding)
    shenhe = reviewer()
    services.application_claim(application=application, reviewer=shenhe)
    services.application_return(application=application, reviewer=shenhe, opinion="注册地址与营业执照不一致")
    return application


def test_a_changed_address_after_a_return_needs_a_new_print_and_a_new_stamped_scan() -> None:
    binding = key_change_binding()
    user = binding.operator.user
    application = returned(binding)
    services.application_draft_save(kind=UNIT_KEY_INFO_CHANGE, unit=binding.unit, actor=user,
                                    payload={**KEY, "address": "昆明市盘龙区8号"}, application=application)  # fmt: skip
    application.refresh_from_db()
    assert application.printed_at is None
    edited = application.events.get(action=Event.Action.EDITED)
    assert edited.actor == user
    assert edited.note == "修改：单位注册地址；报表内容已变化，须重新打印报表，加盖单位公章后重新上传"
    with pytest.raises(ApplicationError) as not_printed:
        services.application_submit(application=application, actor=user)
    assert not_printed.value.code == CaseErrorCode.NOT_PRINTED
    services.application_print_mark(application=application, actor=user)
    with pytest.raises(ApplicationError) as stale:  # the first round's scan shows the old address
        services.application_submit(application=application, actor=user)
    assert stale.value.code == CaseErrorCode.STAMPED_FORM_STALE
    assert stale.value.message == (
        "已上传的“单位参保关键信息变更表”是申报内容修改前打印的，请上传本次打印报表并加盖单位公章后的“单位参保关键信息变更表”"
    )
    assert Application.objects.get(pk=application.pk).status == Status.RETURNED
    upload(application, "stamped-form", png_bytes(), user, "重新盖章.png")
    services.application_submit(application=application, actor=user)
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED
    actions = list(application.events.order_by("at", "id").values_list("action", flat=True))
    assert actions[-4:] == ["edited", "printed", "material_uploaded", "resubmitted"]


def test_a_return_without_a_change_keeps_the_print_and_its_scan() -> None:
    binding = key_change_binding()
    user = binding.operator.user
    application = returned(binding)
    services.application_draft_save(kind=UNIT_KEY_INFO_CHANGE, unit=binding.unit, actor=user, payload=dict(KEY),
                                    application=application)  # fmt: skip
    assert not application.events.filter(action=Event.Action.EDITED).exists()
    services.application_submit(application=application, actor=user)
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED


def test_a_scan_uploaded_before_the_print_does_not_count() -> None:
    binding = key_change_binding()
    user = binding.operator.user
    draft = services.application_draft_save(
        kind=UNIT_KEY_INFO_CHANGE, unit=binding.unit, actor=user, payload=KEY
    )
    upload(draft, "stamped-form", png_bytes(), user, "旧表.png")
    services.application_print_mark(application=draft, actor=user)
    assert "单位参保关键信息变更表" in services.missing_materials(draft)
    with pytest.raises(ApplicationError) as stale:
        services.application_submit(application=draft, actor=user)
    assert stale.value.code == CaseErrorCode.STAMPED_FORM_STALE


def test_a_new_batch_file_voids_the_printed_list() -> None:
    binding = grant(BindingFactory.create(), "employee-enrollment")
    user = binding.operator.user
    application = batch_application(binding, 3)
    services.application_print_mark(application=application, actor=user)
    services.material_upload(application=application, code="stamped-form",
                             upload=upload_check(io.BytesIO(png_bytes())), original_name="s.png", actor=user)  # fmt: skip
    services.application_lines_store(
        kind=EMPLOYEE_ENROLLMENT_BATCH, unit=binding.unit, actor=user, payload=dict(application.payload),
        lines=(services.Line(row=n + 2, data=line_data(n)) for n in range(4)), failed=0,
    )  # fmt: skip
    application.refresh_from_db()
    assert application.printed_at is None
    assert application.events.filter(action=Event.Action.EDITED).count() == 1
    services.application_print_mark(application=application, actor=user)
    with pytest.raises(ApplicationError) as stale:
        services.application_submit(application=application, actor=user)
    assert stale.value.code == CaseErrorCode.STAMPED_FORM_STALE


def test_the_workspace_marks_the_stale_scan_and_the_history_shows_the_edit(client: Client) -> None:
    binding = key_change_binding()
    user = binding.operator.user
    application = returned(binding)
    services.application_draft_save(kind=UNIT_KEY_INFO_CHANGE, unit=binding.unit, actor=user,
                                    payload={**KEY, "address": "昆明市盘龙区8号"}, application=application)  # fmt: skip
    operator_login(client, binding)
    workspace = visible_text(check_page(client.get(f"/hall/cases/{application.pk}/edit/")))
    assert "盖章表.png 已作废" in workspace
    detail = visible_text(check_page(client.get(f"/hall/cases/{application.pk}/")))
    assert "修改申报内容" in detail and "修改：单位注册地址" in detail
