"""Name search (Chinese substrings and pinyin initials) and the list selectors' filters."""

from __future__ import annotations

import pytest
from django.db import connection

from yibao.catalog.models import Drug, Institution
from yibao.catalog.search import normalise_query, pinyin_initials, search_key_for
from yibao.catalog.selectors import (
    agency_list,
    division_code_range,
    drug_dosage_forms,
    drug_list,
    institution_list,
    service_item_list,
)
from yibao.catalog.services import catalog_entries_set_active, catalog_entry_delete, catalog_entry_save


def names(queryset) -> list[str]:
    return [row.name for row in queryset]


# --- keys ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("阿莫西林胶囊", "amxljn"),
        ("布洛芬缓释胶囊", "blfhsjn"),
        ("盐酸二甲双胍片", "ysejsgp"),
        ("维生素B6片", "wssb6p"),
        ("注射用头孢曲松钠", "zsytbqsn"),
        ("阿莫西林（0.25g）", "amxl025g"),
    ],
)
def test_the_first_initials_are_the_usual_reading(name: str, initials: str) -> None:
    assert pinyin_initials(name)[0] == initials


def test_polyphonic_characters_add_a_few_variants() -> None:
    keys = pinyin_initials("复方甘草片")
    assert keys[0] == "ffgcp"
    assert 1 < len(keys) <= 4
    assert all(len(key) == 5 for key in keys)


def test_the_search_key_holds_the_initials_and_the_name_in_lower_case() -> None:
    assert search_key_for("维生素B6片").split("|")[:2] == ["wssb6p", "维生素b6片"]


def test_full_width_and_separator_characters_are_normalised_in_queries() -> None:
    assert normalise_query("  ＡＭＸＬ ") == "amxl"
    assert normalise_query("阿莫|西林") == "阿莫 西林"
    assert len(normalise_query("药" * 100)) == 40


# --- drugs -----------------------------------------------------------------------------------------


@pytest.fixture
def drugs(make_drug) -> dict[str, Drug]:
    return {
        "amoxicillin": make_drug("阿莫西林胶囊"),
        "amoxiclav": make_drug("阿莫西林克拉维酸钾片", dosage_form="片剂", category=Drug.Category.B),
        "ibuprofen": make_drug("布洛芬缓释胶囊", dosage_form="缓释胶囊"),
        "metformin": make_drug("盐酸二甲双胍片", dosage_form="片剂"),
        "b6": make_drug("维生素B6片", dosage_form="片剂"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("阿莫西林", ["阿莫西林胶囊", "阿莫西林克拉维酸钾片"]),  # Chinese substring (index)
        ("西林胶", ["阿莫西林胶囊"]),  # inside the name
        ("amxl", ["阿莫西林胶囊", "阿莫西林克拉维酸钾片"]),  # pinyin initials
        ("AMXL", ["阿莫西林胶囊", "阿莫西林克拉维酸钾片"]),  # any case
        ("ｂｌｆ", ["布洛芬缓释胶囊"]),  # full-width letters
        ("二甲双胍", ["盐酸二甲双胍片"]),
        ("ejsg", ["盐酸二甲双胍片"]),  # initials from the middle
        ("wssb6", ["维生素B6片"]),
        ("b6", ["维生素B6片"]),  # two characters: the LIKE path
        ("胶囊", ["阿莫西林胶囊", "布洛芬缓释胶囊"]),
        ("片", ["阿莫西林克拉维酸钾片", "盐酸二甲双胍片", "维生素B6片"]),
        ("青霉素", []),
        ('"阿莫', []),  # quotes are searched for, not parsed
    ],
)
def test_drug_search_by_chinese_substring_or_pinyin_initials(drugs, query: str, expected: list[str]) -> None:
    assert sorted(names(drug_list(name=query))) == sorted(expected)


def test_drug_filters_combine(drugs) -> None:
    assert names(drug_list(name="amxl", category=Drug.Category.B)) == ["阿莫西林克拉维酸钾片"]
    assert sorted(names(drug_list(dosage_form="片剂", category=Drug.Category.A))) == [
        "盐酸二甲双胍片",
        "维生素B6片",
    ]


def test_the_index_follows_renames_and_deletes(drugs) -> None:
    drug = drugs["metformin"]
    drug.name = "格列美脲片"
    catalog_entry_save(entry=drug, actor=None)
    assert names(drug_list(name="二甲双胍")) == []
    assert names(drug_list(name="glmn")) == ["格列美脲片"]
    catalog_entry_delete(entry=drugs["ibuprofen"], actor=None)
    assert names(drug_list(name="布洛芬")) == []
    assert names(drug_list(name="blf")) == []


def test_deactivated_drugs_leave_the_list(drugs) -> None:
    catalog_entries_set_active(entries=[drugs["amoxicillin"]], active=False, actor=None)
    assert names(drug_list(name="amxl")) == ["阿莫西林克拉维酸钾片"]


def test_rows_written_by_bulk_update_are_found_by_their_new_name(drugs) -> None:
    Drug.objects.filter(pk=drugs["b6"].pk).update(name="维生素C片", search_key=search_key_for("维生素C片"))
    assert names(drug_list(name="wssc")) == ["维生素C片"]
    assert names(drug_list(name="wssb6")) == []


def test_dosage_forms_for_the_filter_are_distinct_and_cached(drugs, django_assert_num_queries) -> None:
    assert drug_dosage_forms() == ["片剂", "缓释胶囊", "胶囊剂"]
    with django_assert_num_queries(0):
        drug_dosage_forms()


def test_drug_search_uses_the_index(drugs) -> None:
    sql = str(drug_list(name="阿莫西林").query)
    if connection.vendor == "sqlite":
        assert "catalog_drug_fts" in sql and "MATCH" in sql
    else:
        assert "LIKE" in sql
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("EXPLAIN " + str(drug_list(name="amxl").query.sql_with_params()[0]), ["%amxl%"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
        assert "catalog_drug_search_trgm" in plan


# --- institutions ----------------------------------------------------------------------------------


def test_division_code_ranges() -> None:
    assert division_code_range("530000") == ("530000", "539999")
    assert division_code_range("530100") == ("530100", "530199")
    assert division_code_range("530112") == ("530112", "530112")
    assert division_code_range("419001") == ("419001", "419001")  # 济源市, under the province


def test_institution_filters(make_institution) -> None:
    make_institution("昆明市第一人民医院", division_id="530102", hosp_lv="02")
    make_institution("西山区人民医院", division_id="530112", hosp_lv="05")
    make_institution("大理州人民医院", division_id="532901", hosp_lv="02")
    make_institution("郑州市中心医院", division_id="410105", hosp_lv="02")
    make_institution("康源大药房（五华区店）", pharmacy=True, division_id="530102")
    medical = Institution.Type.MEDICAL
    assert len(institution_list(fixmedins_type=medical)) == 4
    assert sorted(names(institution_list(fixmedins_type=medical, admdvs="530000"))) == [
        "大理州人民医院",
        "昆明市第一人民医院",
        "西山区人民医院",
    ]
    assert names(institution_list(fixmedins_type=medical, admdvs="530112")) == ["西山区人民医院"]
    # Matches come in pinyin order: 大理 (dl…) before 昆明 (km…).
    assert names(institution_list(fixmedins_type=medical, admdvs="530000", hosp_lv="02", name="rmyy")) == [
        "大理州人民医院",
        "昆明市第一人民医院",
    ]
    assert names(institution_list(fixmedins_type=Institution.Type.PHARMACY, name="ky")) == [
        "康源大药房（五华区店）"
    ]


def test_agency_filters(make_agency) -> None:
    make_agency("五华区医疗保障服务中心", division_id="530102")
    make_agency("金水区医疗保障服务中心", division_id="410105")
    assert names(agency_list(admdvs="410000")) == ["金水区医疗保障服务中心"]
    assert names(agency_list(name="whq")) == ["五华区医疗保障服务中心"]


def test_service_items_of_a_region_include_those_of_the_regions_above(make_service_item) -> None:
    make_service_item("普通门诊诊查费", division_id="530000", code="001102000010000")
    make_service_item("普通病房床位费", division_id="530000", code="001109000010000")
    make_service_item("普通病房床位费", division_id="530100", code="001109000010000")
    make_service_item("普通门诊诊查费", division_id="410000", code="001102000010000")
    in_kunming_county = service_item_list(admdvs="530102")
    assert [(i.division_id, i.name) for i in in_kunming_county] == [
        ("530000", "普通门诊诊查费"),
        ("530000", "普通病房床位费"),
        ("530100", "普通病房床位费"),
    ]
    assert len(service_item_list(admdvs="530000")) == 3  # the province and what is inside it
    assert names(service_item_list(name="ptbf")) == ["普通病房床位费", "普通病房床位费"]
