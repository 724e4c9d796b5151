"""The business catalogue: loaded from its data file, edited in the admin, obeyed by the hall."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.pagecheck import check_page
from yibao.core.tests.factories import BindingFactory, UserFactory, grant, staff_login
from yibao.operators.catalogue import DATA_FILE, business_catalogue_sync
from yibao.operators.models import BusinessItem, FunctionRole, MenuGroup
from yibao.operators.session import CURRENT_UNIT_KEY

pytestmark = pytest.mark.django_db


def test_the_migration_loaded_every_item_of_the_data_file() -> None:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert BusinessItem.objects.count() == len(data["items"]) == 28
    henan = BusinessItem.objects.filter(
        menu_group__in=[MenuGroup.QUERY, MenuGroup.HANDLING, MenuGroup.PRINTING]
    )
    assert henan.count() == 22  # the Henan manual's function list
    assert set(FunctionRole.objects.values_list("name", flat=True)) == {
        "参保单位业务办理", "医疗机构业务办理", "零售药店业务办理", "招采企业业务办理", "医药企业业务办理",
    }  # fmt: skip
    assert BusinessItem.objects.get(code="procurement-system").required_role == "procurement"


def test_reloading_keeps_the_admins_edits_unless_asked() -> None:
    BusinessItem.objects.filter(code="roster").update(name="花名册查询")
    assert business_catalogue_sync(FunctionRole, BusinessItem) == {"created": 0, "updated": 0}
    assert BusinessItem.objects.get(code="roster").name == "花名册查询"
    business_catalogue_sync(FunctionRole, BusinessItem, overwrite=True)
    assert BusinessItem.objects.get(code="roster").name == "职工花名册查询"


def test_a_disabled_item_leaves_menus_and_cannot_be_opened(client: Client) -> None:
    binding = grant(BindingFactory.create(), "roster")
    superuser = UserFactory.create(is_staff=True, is_superuser=True, username="sysadmin")
    staff_login(client, superuser)
    item = BusinessItem.objects.get(code="roster")
    changelist = client.get(reverse("admin:operators_businessitem_changelist"))
    assert changelist.status_code == 200
    BusinessItem.objects.filter(pk=item.pk).update(is_active=False)

    client.force_login(binding.operator.user)
    session = client.session
    session[CURRENT_UNIT_KEY] = binding.unit_id
    session.save()
    assert "职工花名册查询" not in check_page(client.get(reverse("entry:operator-home"))).get_text()
    assert client.get(reverse("operators:item", args=["roster"])).status_code == 404
    client.force_login(binding.unit.account)  # type: ignore[arg-type]
    grants_page = check_page(client.get(reverse("operators:grants", args=[binding.pk])))
    assert grants_page.find("input", attrs={"value": "roster"}) is None
