"""The administrator's single edits, the demo seed, and the search index objects."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from yibao.catalog.demo.generate import demo_drug_rows, demo_institution_rows
from yibao.catalog.models import DRUG_CODE, INSTITUTION_CODE, Agency, Drug, Institution, ServiceItem
from yibao.catalog.search import SEARCH_TABLES, fts_table
from yibao.catalog.selectors import drug_list, institution_list
from yibao.core.models import AuditEvent
from yibao.core.tests.factories import staff_login
from yibao.core.validators.uscc import validate_uscc


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="admin", password="Admin2026x", kind="staff")
    staff_login(client, user)
    return client


@pytest.mark.django_db
def test_the_admin_adds_a_drug_through_the_service(admin_client) -> None:
    response = admin_client.post(
        "/admin/catalog/drug/add/",
        {
            "code": "XJ01CAA001B001010100001",
            "name": "阿莫西林胶囊",
            "dosage_form": "胶囊剂",
            "spec": "0.25g",
            "manufacturer": "云岭制药有限公司",
            "approval_no": "",
            "category": "01",
            "payment_limit": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    drug = Drug.objects.get()
    assert drug.search_key.startswith("amxljn|阿莫西林胶囊")
    assert [d.pk for d in drug_list(name="amxl")] == [drug.pk]
    event = AuditEvent.objects.get(action="catalog.drug.create")
    assert (event.object_id, event.actor_label) == (str(drug.pk), "admin")


@pytest.mark.django_db
def test_the_admin_refuses_a_code_of_the_wrong_type(admin_client) -> None:
    response = admin_client.post(
        "/admin/catalog/institution/add/",
        {"code": "P53010200001", "fixmedins_type": "1", "name": "昆明市第一人民医院", "division": "530102"},
    )
    assert response.status_code == 200
    assert "医疗机构编号应以H开头，零售药店编号应以P开头" in response.content.decode()
    assert Institution.objects.count() == 0


@pytest.mark.django_db
def test_the_admin_deactivates_and_lists(admin_client, make_drug) -> None:
    drug = make_drug("布洛芬片")
    response = admin_client.post(
        "/admin/catalog/drug/", {"action": "deactivate", "_selected_action": [drug.pk]}, follow=True
    )
    assert "已停用 1 条记录" in response.content.decode()
    drug.refresh_from_db()
    assert drug.is_active is False
    for model in ["drug", "institution", "agency", "serviceitem"]:
        assert admin_client.get(f"/admin/catalog/{model}/").status_code == 200


@pytest.mark.django_db
def test_the_admin_deletes_through_the_service(admin_client, make_agency) -> None:
    agency = make_agency()
    response = admin_client.post(f"/admin/catalog/agency/{agency.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert Agency.objects.count() == 0
    assert AuditEvent.objects.filter(action="catalog.agency.delete", object_id=str(agency.pk)).count() == 1


def test_demo_rows_are_valid() -> None:
    drugs = demo_drug_rows()
    assert 300 <= len(drugs) <= 600
    assert len({row["code"] for row in drugs}) == len(drugs)
    assert all(DRUG_CODE.regex.match(row["code"]) for row in drugs)
    assert {"阿莫西林胶囊", "布洛芬缓释胶囊", "盐酸二甲双胍片", "连花清瘟胶囊"} <= {
        row["name"] for row in drugs
    }


@pytest.mark.django_db
def test_demo_institutions_are_valid() -> None:
    medical, pharmacies = demo_institution_rows()
    rows = medical + pharmacies
    assert len({row["code"] for row in rows}) == len(rows)
    assert all(INSTITUTION_CODE.regex.match(row["code"]) for row in rows)
    assert all(validate_uscc(row["uscc"]) == row["uscc"] for row in rows)
    assert {row["division_id"][:2] for row in rows} == {"53", "11", "41", "44"}


@pytest.mark.django_db
def test_seed_catalog_is_idempotent() -> None:
    out = StringIO()
    call_command("seed_catalog", stdout=out)
    counts = {model.__name__: model.objects.count() for model in (Drug, Institution, Agency, ServiceItem)}
    assert counts["Drug"] > 300 and counts["Institution"] > 500 and counts["Agency"] > 50
    assert counts["ServiceItem"] > 100
    again = StringIO()
    call_command("seed_catalog", stdout=again)
    assert "新增 0 条，更新 0 条" in again.getvalue()
    assert "停用 0 条" in again.getvalue()
    assert {
        model.__name__: model.objects.count() for model in (Drug, Institution, Agency, ServiceItem)
    } == counts
    assert "阿莫西林胶囊" in [d.name for d in drug_list(name="amxl")]
    assert len(institution_list(fixmedins_type=Institution.Type.PHARMACY, admdvs="530100")) > 20


@pytest.mark.django_db
def test_search_index_is_in_place() -> None:
    """Fails when a migration rebuilt a catalogue table on SQLite without re-installing the index."""
    with connection.cursor() as cursor:
        for table in SEARCH_TABLES:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s ORDER BY name",
                    [table],
                )
                fts = fts_table(table)
                assert [row[0] for row in cursor.fetchall()] == [f"{fts}_ad", f"{fts}_ai", f"{fts}_au"]
            else:
                cursor.execute(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [f"{table}_search_trgm"]
                )
                assert "gin_trgm_ops" in cursor.fetchone()[0]
