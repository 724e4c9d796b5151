import pytest

from yibao.core.divisions import current_divisions
from yibao.core.errors import ApplicationError
from yibao.core.models import CodeItem, CodeTable, Division
from yibao.core.reference import code_choices, code_label, code_require
from yibao.core.selectors import division_children, division_full_name, division_path


def test_current_divisions_cover_every_province_and_drop_abolished_codes() -> None:
    rows = {row.code: row for row in current_divisions()}
    provinces = [row for row in rows.values() if row.level == 1]
    assert len(provinces) == 34  # 31 mainland + Taiwan, Hong Kong, Macau
    assert rows["530112"].name == "西山区"
    assert rows["530112"].parent_code == "530100"
    assert "110103" not in rows  # 崇文区, merged in 2010
    assert "530101" not in rows  # 市辖区 placeholder under a city
    assert rows["810000"].name == "香港特别行政区"


def test_municipality_districts_hang_under_the_municipal_district_node() -> None:
    rows = {row.code: row for row in current_divisions()}
    assert rows["110101"].parent_code == "110100"
    assert rows["110100"].parent_code == "110000"


@pytest.mark.django_db
def test_migrations_loaded_divisions_and_code_tables() -> None:
    assert Division.objects.filter(is_active=True).count() == len(current_divisions())
    assert CodeItem.objects.filter(table_id="naty").count() == 58
    assert CodeItem.objects.filter(table_id="insutype").count() == 14
    assert CodeTable.objects.get(code="psn_cert_type").source != ""


@pytest.mark.django_db
def test_code_lookups() -> None:
    assert ("310", "职工基本医疗保险") in code_choices("insutype")
    assert code_label("gend", "2") == "女"
    assert code_label("gend", "7") == "7"
    assert code_require("insutype", "510") == "510"
    with pytest.raises(ApplicationError) as caught:
        code_require("insutype", "999", field="insutype")
    assert caught.value.message == "“999”不是有效的险种类型代码"
    assert caught.value.field == "insutype"


@pytest.mark.django_db
def test_inactive_codes_are_not_offered_but_still_named() -> None:
    CodeItem.objects.filter(table_id="insutype", code="380").update(is_active=False)
    assert "380" not in dict(code_choices("insutype"))
    assert code_label("insutype", "380") == "新型农村合作医疗"


@pytest.mark.django_db
def test_division_selectors() -> None:
    provinces = division_children(None)
    assert [p.code for p in provinces][:2] == ["110000", "120000"]
    assert [n.code for n in division_path("530112")] == ["530000", "530100", "530112"]
    assert division_full_name("530112") == "云南省昆明市西山区"
    assert division_full_name("110101") == "北京市东城区"
