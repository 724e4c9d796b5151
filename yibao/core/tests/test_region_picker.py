import pytest
from django import forms

from tests.pagecheck import check_html
from yibao.core.widgets import RegionPickerField


class PickerForm(forms.Form):
    admdvs = RegionPickerField(label="医保区划")


def bound(**data: str) -> PickerForm:
    return PickerForm(data={f"admdvs_{k[-1]}": v for k, v in data.items()})


@pytest.mark.django_db
def test_a_full_chain_gives_the_county_code() -> None:
    form = bound(l0="530000", l1="530100", l2="530112")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["admdvs"] == "530112"


@pytest.mark.django_db
def test_a_city_without_counties_is_complete_at_city_level() -> None:
    form = bound(l0="440000", l1="441900")  # 东莞市 has no county-level divisions
    assert form.is_valid(), form.errors
    assert form.cleaned_data["admdvs"] == "441900"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "请选择医保区划"),
        ({"l0": "530000"}, "请选择市（地区、州）"),
        ({"l0": "530000", "l1": "530100"}, "请选择区县"),
        ({"l0": "530000", "l1": "110100", "l2": "110101"}, "所选医保区划不存在，请重新选择"),
        ({"l0": "999900"}, "所选医保区划不存在，请重新选择"),
    ],
)
def test_incomplete_or_inconsistent_choices_are_refused(data: dict[str, str], message: str) -> None:
    form = bound(**data)
    assert not form.is_valid()
    assert form.errors["admdvs"] == [message]


@pytest.mark.django_db
def test_the_widget_lists_children_of_the_chosen_levels_only() -> None:
    html = str(bound(l0="530000", l1="530100")["admdvs"])
    assert '<option value="530112">西山区</option>' in html
    assert '<option value="110101">' not in html
    assert 'name="_region_refresh"' in html


@pytest.mark.django_db
def test_a_city_from_another_province_is_dropped_when_the_province_changes() -> None:
    html = str(bound(l0="110000", l1="530100")["admdvs"])
    assert '<option value="530100" selected>' not in html
    assert '<option value="110100">市辖区</option>' in html


@pytest.mark.django_db
def test_each_select_has_its_own_label() -> None:
    html = f'<html lang="zh-Hans"><title>t</title><body>{PickerForm()["admdvs"]}</body></html>'
    soup = check_html(html)
    labels = [label.get_text() for label in soup.find_all("label")]
    assert labels == ["省（自治区、直辖市）", "市（地区、州）", "区县"]
