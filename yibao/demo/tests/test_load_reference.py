"""`manage.py load_reference`: refreshing the code tables and divisions the migrations loaded."""

import pytest
from django.core.management import call_command

from yibao.core.models import CodeItem, Division


@pytest.mark.django_db
def test_load_reference_is_idempotent_and_keeps_admin_edits() -> None:
    item = CodeItem.objects.get(table_id="insutype", code="310")
    item.label = "职工医保"
    item.save()
    before = (Division.objects.count(), CodeItem.objects.count())

    call_command("load_reference", stdout=None)

    assert (Division.objects.count(), CodeItem.objects.count()) == before
    assert CodeItem.objects.get(table_id="insutype", code="310").label == "职工医保"


@pytest.mark.django_db
def test_load_reference_can_restore_source_labels() -> None:
    CodeItem.objects.filter(table_id="insutype", code="310").update(label="改过的名称")
    call_command("load_reference", "--overwrite-labels", stdout=None)
    assert CodeItem.objects.get(table_id="insutype", code="310").label == "职工基本医疗保险"


@pytest.mark.django_db
def test_load_reference_marks_divisions_gone_from_the_source_inactive() -> None:
    Division.objects.create(code="999999", name="已撤销测试区", level=1)
    call_command("load_reference", stdout=None)
    assert Division.objects.get(code="999999").is_active is False
