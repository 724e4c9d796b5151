"""One open application per matter, held by a database constraint: parallel identical posts, a
second draft of the same matter and a second submission all end with one application."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from yibao.agency.tests.helpers import KEY, key_change_binding, reviewer, submitted_key_change
from yibao.cases import services
from yibao.cases.models import Application, Status
from yibao.changes.unit_types import UNIT_KEY_INFO_CHANGE
from yibao.core.errors import ApplicationError


def draft(binding: Any, **changes: str) -> Application:
    return services.application_draft_save(
        kind=UNIT_KEY_INFO_CHANGE, unit=binding.unit, actor=binding.operator.user, payload={**KEY, **changes}
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_parallel_identical_saves_open_one_application() -> None:
    binding = key_change_binding()
    results: list[object] = []
    start = threading.Barrier(6)

    def save() -> None:
        try:
            start.wait()
            results.append(draft(binding).pk)
        except Exception as error:  # reported by the assertion below
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    opened = Application.objects.filter(unit=binding.unit, type_code=UNIT_KEY_INFO_CHANGE.code)
    assert opened.count() == 1
    assert results == [opened.get().pk] * 6, results


@pytest.mark.django_db
def test_a_second_draft_of_the_same_matter_continues_the_first() -> None:
    binding = key_change_binding()
    first = draft(binding)
    second = draft(binding, address="昆明市五华区9号")
    assert second.pk == first.pk
    assert Application.objects.get(pk=first.pk).payload["address"] == "昆明市五华区9号"


@pytest.mark.django_db
def test_a_matter_with_the_agency_refuses_another_until_decided() -> None:
    application = submitted_key_change()
    binding = application.operator.bindings.get()
    with pytest.raises(ApplicationError) as refused:
        draft(binding, address="昆明市五华区9号")
    assert refused.value.message == (
        f"已有一笔单位参保关键信息变更（办件编号 {application.number}）正在等待医保经办机构审核，审核完成前不能重复申报"
    )
    assert Application.objects.filter(unit=binding.unit).count() == 1

    shenhe = reviewer()
    services.application_claim(application=application, reviewer=shenhe)
    services.application_reject(application=application, reviewer=shenhe, reason="材料不清晰")
    assert Application.objects.get(pk=application.pk).open_key is None
    again = draft(binding, address="昆明市五华区9号")
    assert again.pk != application.pk and again.status == Status.DRAFT


@pytest.mark.django_db
def test_a_returned_application_holds_its_matter_again() -> None:
    application = submitted_key_change()
    binding = application.operator.bindings.get()
    shenhe = reviewer()
    services.application_claim(application=application, reviewer=shenhe)
    services.application_return(application=application, reviewer=shenhe, opinion="请补充材料")
    assert draft(binding, address="昆明市五华区9号").pk == application.pk  # corrected, not doubled


@pytest.mark.django_db
def test_materials_per_item_and_per_application_are_capped(settings: Any) -> None:
    import io

    from yibao.cases.models import Material
    from yibao.core.uploads import upload_check
    from yibao.units.tests.helpers import png_bytes

    settings.YIBAO_MATERIALS_PER_ITEM, settings.YIBAO_MATERIALS_PER_APPLICATION = 2, 3
    binding = key_change_binding()
    application = draft(binding)

    def upload(code: str) -> None:
        services.material_upload(application=application, code=code, upload=upload_check(io.BytesIO(png_bytes())),
                                 original_name="scan.png", actor=binding.operator.user)  # fmt: skip

    upload("stamped-form")
    upload("stamped-form")
    with pytest.raises(ApplicationError) as refused:
        upload("stamped-form")
    assert refused.value.message == "“单位参保关键信息变更表”最多上传2个文件，请删除不需要的文件后再上传"
    upload("licence")
    with pytest.raises(ApplicationError) as refused:
        upload("licence")
    assert refused.value.message == "每笔办件最多上传3个文件，请删除不需要的文件后再上传"
    assert Material.objects.filter(application=application).count() == 3
