import pytest

from tests.pagecheck import visible_text


@pytest.mark.django_db
def test_divisions_page_lists_provinces(get_page) -> None:
    soup = get_page("/regions/")
    assert soup.title.get_text() == "医保区划查询 - 医疗保障公共服务平台"
    rows = soup.select("table tbody tr")
    assert len(rows) == 34
    assert visible_text(rows[0]) == "1 110000 北京市 省级"


@pytest.mark.django_db
def test_choosing_a_province_without_javascript_fills_the_city_select(get_page) -> None:
    soup = get_page("/regions/?admdvs_0=530000")
    city_options = [o["value"] for o in soup.select("#id_admdvs_1 option") if o["value"]]
    assert "530100" in city_options
    assert "信息列表：云南省（530000）" in visible_text(soup)


@pytest.mark.django_db
def test_choosing_a_city_lists_its_counties(get_page) -> None:
    soup = get_page("/regions/?admdvs_0=530000&admdvs_1=530100")
    codes = [tr.select("td")[1].get_text() for tr in soup.select("table tbody tr")]
    assert "530112" in codes
    assert all(code.startswith("5301") for code in codes)


@pytest.mark.django_db
def test_division_options_fragment(client) -> None:
    response = client.get("/regions/options/?parent=530100")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="">请选择</option>' in html
    assert '<option value="530112">西山区</option>' in html


@pytest.mark.django_db
def test_division_options_for_an_unknown_parent_is_empty(client) -> None:
    html = client.get("/regions/options/?parent=zzz").content.decode()
    assert html.strip() == '<option value="">请选择</option>'


@pytest.mark.django_db
def test_responses_carry_a_content_security_policy(client) -> None:
    policy = client.get("/regions/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
