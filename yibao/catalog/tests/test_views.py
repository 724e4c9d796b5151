"""The public catalogue pages, through the test client with the page checks."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection

from tests.pagecheck import visible_text
from yibao.catalog.models import Drug
from yibao.catalog.services import catalog_entries_set_active
from yibao.core.cache_versions import catalog_changed

LIST_URLS = [
    "/catalog/pharmacies/",
    "/catalog/institutions/",
    "/catalog/agencies/",
    "/catalog/drugs/",
    "/catalog/service-items/",
]


def column(soup, label: str) -> list[str]:
    return [td.get_text(" ", strip=True) for td in soup.select(f'table tbody td[data-label="{label}"]')]


def headers(soup) -> list[str]:
    return [th.get_text(strip=True) for th in soup.select("table thead th")]


# --- every list ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", LIST_URLS)
def test_an_empty_catalogue_says_so(get_page, url: str) -> None:
    soup = get_page(url)
    assert soup.select_one(".empty").get_text() == "暂无内容"
    assert soup.find("table") is None
    form = soup.select_one("form.catalog-query")
    assert (form["method"], form["action"], form.has_attr("novalidate")) == ("get", url, True)
    assert [b.get_text() for b in form.select("button[type=submit]")][-1] == "查询"
    reset = form.find("a", string="重置")
    assert reset["href"] == url


@pytest.mark.django_db
@pytest.mark.parametrize("url", LIST_URLS)
def test_no_match_shows_the_empty_message_and_keeps_the_query(get_page, url: str) -> None:
    soup = get_page(url + "?name=%E4%B8%8D%E5%AD%98%E5%9C%A8")
    assert soup.select_one(".empty").get_text() == "暂无内容"
    assert soup.select_one("input[name=name]")["value"] == "不存在"


@pytest.mark.django_db
@pytest.mark.parametrize("url", LIST_URLS)
def test_list_pages_need_no_login_and_only_get(client, url: str) -> None:
    assert client.post(url).status_code == 405


# --- 定点零售药店 -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pharmacy_list_columns_and_region_filter(get_page, make_institution) -> None:
    make_institution("康源大药房（五华区新城店）", pharmacy=True, division_id="530102")
    make_institution("仁和堂药房（西山区店）", pharmacy=True, division_id="530112")
    make_institution("益民大药房（金水区店）", pharmacy=True, division_id="410105")
    make_institution("昆明市第一人民医院", division_id="530102")  # not a pharmacy

    soup = get_page("/catalog/pharmacies/?admdvs_0=530000&admdvs_1=530100&admdvs_2=&name=")

    assert soup.title.get_text() == "定点零售药店查询 - 医疗保障公共服务平台"
    assert "零售药店信息列表" in visible_text(soup)
    assert headers(soup) == [
        "序号",
        "药店名称",
        "医疗服务机构类型",
        "统一社会信用代码",
        "医药机构等级",
        "经办负责人姓名",
        "所在区域",
        "地址",
    ]
    rows = [visible_text(tr) for tr in soup.select("table tbody tr")]
    assert rows == [
        "1 康源大药房（五华区新城店） 连锁药店门店 91530112MA6NQ2P807 无等级 王芳 云南省昆明市五华区 "
        "云南省昆明市五华区人民路1号",
        "2 仁和堂药房（西山区店） 连锁药店门店 91530112MA6NQ2P807 无等级 王芳 云南省昆明市西山区 "
        "云南省昆明市五华区人民路1号",
    ]
    # The picker shows what was chosen, and the county select lists 昆明市's counties.
    assert soup.select_one("#id_admdvs_1 option[selected]")["value"] == "530100"
    assert "530112" in [o["value"] for o in soup.select("#id_admdvs_2 option")]


@pytest.mark.django_db
def test_pharmacy_search_by_name_or_initials(get_page, make_institution) -> None:
    make_institution("康源大药房（五华区新城店）", pharmacy=True)
    make_institution("仁和堂药房（西山区店）", pharmacy=True, division_id="530112")
    assert column(get_page("/catalog/pharmacies/?name=%E4%BB%81%E5%92%8C"), "药店名称") == [
        "仁和堂药房（西山区店）"
    ]
    assert column(get_page("/catalog/pharmacies/?name=kydyf"), "药店名称") == ["康源大药房（五华区新城店）"]


@pytest.mark.django_db
def test_pharmacy_detail_masks_the_mobile_number(get_page, make_institution) -> None:
    pharmacy = make_institution("康源大药房（五华区新城店）", pharmacy=True)
    list_soup = get_page("/catalog/pharmacies/")
    link = list_soup.find("a", string="康源大药房（五华区新城店）")
    assert link["href"] == f"/catalog/pharmacies/{pharmacy.code}/"

    soup = get_page(link["href"])

    text = visible_text(soup)
    assert soup.title.get_text() == "康源大药房（五华区新城店） - 定点零售药店 - 医疗保障公共服务平台"
    assert "经办负责人姓名 王芳" in text
    assert "负责人联系电话 139****4321" in text
    assert "13987654321" not in str(soup)
    assert "定点起止日期 2020-01-01 至 长期" in text


@pytest.mark.django_db
def test_a_pharmacy_address_is_not_an_institution_address(get_page, make_institution) -> None:
    pharmacy = make_institution(pharmacy=True)
    hospital = make_institution()
    get_page(f"/catalog/institutions/{pharmacy.code}/", status=404)
    get_page(f"/catalog/pharmacies/{hospital.code}/", status=404)
    get_page("/catalog/pharmacies/P99999999999/", status=404)


# --- 定点医疗机构 -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_institution_list_filters_by_level_region_and_name(get_page, make_institution) -> None:
    make_institution("昆明市第一人民医院", division_id="530102", hosp_lv="02")
    make_institution("五华区人民医院", division_id="530102", hosp_lv="05", fix_onln_open_flag=False)
    make_institution("郑州市第一人民医院", division_id="410105", hosp_lv="02")

    soup = get_page("/catalog/institutions/?admdvs_0=530000&hosp_lv=02&name=rmyy")

    assert headers(soup) == [
        "序号",
        "医疗机构编码",
        "医疗机构名称",
        "医疗服务机构类型",
        "医院等级",
        "所在区域",
        "地址",
        "定点联网开通标志",
    ]
    assert column(soup, "医疗机构名称") == ["昆明市第一人民医院"]
    assert column(soup, "医院等级") == ["三级甲等"]
    assert column(soup, "定点联网开通标志") == ["是"]
    assert soup.select_one("#id_hosp_lv option[selected]").get_text() == "三级甲等"
    assert column(get_page("/catalog/institutions/?hosp_lv=05"), "定点联网开通标志") == ["否"]


@pytest.mark.django_db
def test_an_unknown_level_is_reported_at_its_field_and_ignored(get_page, make_institution) -> None:
    make_institution("昆明市第一人民医院")
    soup = get_page("/catalog/institutions/?hosp_lv=99")
    assert soup.select_one(".field__error").get_text() == "请选择列表中的医院等级"
    assert "医院等级：请选择列表中的医院等级" in visible_text(soup.select_one(".error-summary"))
    assert column(soup, "医疗机构名称") == ["昆明市第一人民医院"]


@pytest.mark.django_db
def test_an_unknown_region_is_reported(get_page) -> None:
    soup = get_page("/catalog/institutions/?admdvs_0=999900")
    assert soup.select_one(".field__error").get_text() == "所选区域不存在，请重新选择"


@pytest.mark.django_db
def test_choosing_a_province_without_javascript_keeps_results_and_fills_cities(
    get_page, make_institution
) -> None:
    make_institution("昆明市第一人民医院")
    soup = get_page("/catalog/institutions/?admdvs_0=530000&_region_refresh=admdvs")
    assert soup.select_one(".error-summary") is None
    assert "530100" in [o["value"] for o in soup.select("#id_admdvs_1 option")]
    assert column(soup, "医疗机构名称") == ["昆明市第一人民医院"]
    # The refresh button does not leak into the paging links.
    assert "_region_refresh" not in str(soup.select_one(".pagination") or "")


@pytest.mark.django_db
def test_institution_detail(get_page, make_institution) -> None:
    hospital = make_institution("昆明市第一人民医院", hosp_lv="02", tel="0871-63211234")
    soup = get_page(f"/catalog/institutions/{hospital.code}/")
    text = visible_text(soup)
    for expected in [
        f"医疗机构编码 {hospital.code}",
        "定点医药机构类型 定点医疗机构",
        "医院等级 三级甲等",
        "所在区域 云南省昆明市五华区（530102）",
        "联系电话 0871-63211234",
        "负责人联系电话 139****4321",
        "定点联网开通标志 是",
    ]:
        assert expected in text
    assert soup.find("a", string="返回查询")["href"] == "/catalog/institutions/"


@pytest.mark.django_db
def test_a_deactivated_institution_keeps_its_page_with_a_notice(get_page, make_institution) -> None:
    hospital = make_institution("昆明市第一人民医院")
    catalog_entries_set_active(entries=[hospital], active=False, actor=None)
    assert get_page("/catalog/institutions/").select_one(".empty") is not None
    soup = get_page(f"/catalog/institutions/{hospital.code}/")
    assert "该医疗机构已不在定点医药机构名单中" in visible_text(soup)


# --- 经办机构 ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_agency_list_and_detail(get_page, make_agency) -> None:
    agency = make_agency("五华区医疗保障服务中心", division_id="530102")
    make_agency("金水区医疗保障服务中心", division_id="410105", phone="0371-65551234")
    soup = get_page("/catalog/agencies/?admdvs_0=530000")
    assert headers(soup) == ["序号", "经办机构名称", "所在区域", "地址", "咨询电话", "办公时间"]
    assert [visible_text(tr) for tr in soup.select("tbody tr")] == [
        "1 五华区医疗保障服务中心 云南省昆明市五华区 云南省昆明市五华区人民路2号 0871-63212345 "
        "工作日 上午9:00—12:00，下午13:30—17:00"
    ]
    detail = get_page(f"/catalog/agencies/{agency.code}/")
    assert "办公时间 工作日 上午9:00—12:00，下午13:30—17:00" in visible_text(detail)
    get_page("/catalog/agencies/00000000/", status=404)


# --- 医保药品 ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_drug_list_columns_and_filters(get_page, make_drug) -> None:
    make_drug("阿莫西林胶囊")
    make_drug(
        "注射用奥美拉唑钠",
        dosage_form="注射剂",
        category=Drug.Category.B,
        payment_limit="限有说明书标明的疾病诊断且有禁食医嘱或吞咽困难的患者",
    )
    make_drug("布洛芬缓释胶囊", dosage_form="缓释胶囊")

    soup = get_page("/catalog/drugs/?name=amxl")

    assert headers(soup) == [
        "序号",
        "医保药品代码",
        "注册名称",
        "剂型",
        "规格",
        "生产企业",
        "甲乙类",
        "限定支付范围",
    ]
    assert column(soup, "注册名称") == ["阿莫西林胶囊"]
    assert column(soup, "限定支付范围") == ["无"]
    assert [o.get_text() for o in soup.select("#id_dosage_form option")] == [
        "全部",
        "注射剂",
        "缓释胶囊",
        "胶囊剂",
    ]
    assert [o.get_text() for o in soup.select("#id_category option")] == ["全部", "甲类", "乙类"]

    soup = get_page("/catalog/drugs/?category=02")
    assert column(soup, "注册名称") == ["注射用奥美拉唑钠"]
    assert column(soup, "限定支付范围") == ["限有说明书标明的疾病诊断且有禁食医嘱或吞咽困难的患者"]
    assert column(
        get_page("/catalog/drugs/?dosage_form=%E7%BC%93%E9%87%8A%E8%83%B6%E5%9B%8A"), "注册名称"
    ) == ["布洛芬缓释胶囊"]
    assert column(get_page("/catalog/drugs/?name=%E8%83%B6%E5%9B%8A&category=01"), "注册名称") == [
        "阿莫西林胶囊",
        "布洛芬缓释胶囊",
    ]


@pytest.mark.django_db
def test_a_too_long_name_is_reported(get_page) -> None:
    soup = get_page("/catalog/drugs/?name=" + "a" * 41, echoed=("a" * 41,))
    assert soup.select_one(".field__error").get_text() == "药品名称最多输入40个字"


@pytest.mark.django_db
def test_drug_paging_numbers_rows_across_pages_and_keeps_the_filters(get_page, make_drug) -> None:
    for n in range(45):
        make_drug(f"阿莫西林胶囊{n:02d}")
    make_drug("布洛芬片")

    first = get_page("/catalog/drugs/?name=amxl&category=")
    assert "共 45 条" in visible_text(first)
    assert column(first, "序号") == [str(n) for n in range(1, 21)]
    next_link = first.select_one(".pagination a[rel=next]")["href"]
    assert parse_qs(urlparse(next_link).query) == {"name": ["amxl"], "page": ["2"]}

    third = get_page("/catalog/drugs/" + next_link.replace("page=2", "page=3"))
    assert column(third, "序号") == ["41", "42", "43", "44", "45"]
    assert "第 3 页，共 3 页" in visible_text(third)
    assert third.select_one(".pagination a[rel=next]") is None
    # Out-of-range and garbage page numbers show a real page instead of an error.
    assert column(get_page("/catalog/drugs/?name=amxl&page=99"), "序号")[0] == "41"
    assert column(get_page("/catalog/drugs/?name=amxl&page=x"), "序号")[0] == "1"


@pytest.mark.django_db
def test_paging_stops_at_the_bound_and_says_so(get_page, make_drug, monkeypatch) -> None:
    monkeypatch.setattr("yibao.catalog.views.MAX_PAGES", 2)
    for n in range(45):
        make_drug(f"布洛芬片{n:02d}")
    soup = get_page("/catalog/drugs/?page=3")
    assert "超过 40 条，只显示前 2 页，请增加查询条件缩小范围" in visible_text(soup)
    assert column(soup, "序号")[0] == "21"


@pytest.mark.django_db
def test_drug_detail(get_page, make_drug) -> None:
    drug = make_drug("板蓝根颗粒", code="ZA01ABA003C001000004", dosage_form="颗粒剂")
    soup = get_page(f"/catalog/drugs/{drug.code}/")
    text = visible_text(soup)
    assert "医保药品代码 ZA01ABA003C001000004" in text
    assert "药品类别 中成药" in text
    assert "批准文号 国药准字H20003263" in text
    get_page("/catalog/drugs/XNOTACODE/", status=404)


# --- 服务设施和诊疗项目 ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_service_item_list_columns_region_and_detail(get_page, make_service_item) -> None:
    make_service_item("普通门诊诊查费", division_id="530000", code="001102000010000")
    make_service_item(
        "普通病房床位费", division_id="530100", code="001109000010000", unit="日", exclusions="空调费另计"
    )
    make_service_item("普通门诊诊查费", division_id="410000", code="001102000010000")

    soup = get_page("/catalog/service-items/?admdvs_0=530000&admdvs_1=530100&admdvs_2=530102")

    assert headers(soup) == ["序号", "医保类别", "类别", "名称", "说明", "除外内容", "计价单位", "价格（元）"]
    assert [visible_text(tr) for tr in soup.select("tbody tr")] == [
        "1 甲类 综合医疗服务类 普通门诊诊查费 云南省 指医护人员提供的诊疗服务。 — 次 10.00",
        "2 甲类 综合医疗服务类 普通病房床位费 云南省昆明市 指医护人员提供的诊疗服务。 空调费另计 日 10.00",
    ]
    link = soup.find("a", string="普通病房床位费")["href"]
    assert link == "/catalog/service-items/530100/001109000010000/"
    detail = get_page(link)
    assert "所属区域 云南省昆明市（530100）" in visible_text(detail)
    get_page("/catalog/service-items/530000/001109000010000/", status=404)


# --- query counts --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/catalog/pharmacies/?admdvs_0=530000&name=ky",
        "/catalog/institutions/?admdvs_0=530000&hosp_lv=02&name=rmyy",
        "/catalog/agencies/?admdvs_0=530000",
        "/catalog/drugs/?name=amxl&category=01",
        "/catalog/service-items/?admdvs_0=530000&admdvs_1=530100&name=pt",
    ],
)
def test_list_pages_use_a_bounded_number_of_queries(
    client, url, make_drug, make_institution, make_agency, make_service_item, django_assert_max_num_queries
) -> None:
    for n in range(25):
        make_drug(f"阿莫西林胶囊{n}")
        make_institution(f"康源大药房{n}", pharmacy=True)
        make_institution(f"昆明市第{n}人民医院")
        make_agency(f"五华区医疗保障服务中心{n}")
        make_service_item(f"普通门诊诊查费{n}")
    client.get(url)  # warm the caches (code tables, region index) as a running site has them
    catalog_changed()  # but not the page itself
    # The bounded count and the page; on PostgreSQL also the planner setting and its savepoint.
    with django_assert_max_num_queries(2 if connection.vendor == "sqlite" else 5):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 20
    # The same page again comes from the cache: no query, the same content.
    with django_assert_max_num_queries(0):
        again = client.get(url)
    assert again["X-Page-Cache"] == "HIT" and again.content == response.content
