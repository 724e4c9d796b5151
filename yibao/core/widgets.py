"""Form widgets and fields shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from yibao.core.selectors import division_children, division_get, division_path

LEVEL_LABELS = ("省（自治区、直辖市）", "市（地区、州）", "区县")
REFRESH_FIELD = "_region_refresh"


class RegionPickerWidget(forms.MultiWidget):
    """Three cascading selects: province, city, county.

    Without JavaScript the 选择 button resubmits the form so that the next select fills in;
    with JavaScript (data-module="region-picker") the options load as the user chooses.
    """

    template_name = "components/region_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, levels: int = 3) -> None:
        """`levels`: 3 down to the county, 2 down to the city (e.g. a 就医地)."""
        self.levels = levels
        super().__init__([forms.Select() for _ in range(levels)], attrs)

    def decompress(self, value: Any) -> list[str | None]:
        path = [node.code for node in division_path(value)] if value else []
        return ([*path, None, None, None])[: self.levels]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        if not isinstance(value, list):
            value = self.decompress(value)
        chosen = _consistent_chain(value)[: self.levels]
        parents: list[str | None] = [None, *chosen[:2]]
        for level, widget in enumerate(self.widgets):
            parent = parents[level]
            nodes = division_children(parent) if (level == 0 or parent) else []
            widget.choices = [("", "请选择"), *((n.code, n.name) for n in nodes)]  # type: ignore[attr-defined]
        context = super().get_context(name, chosen, attrs)
        context["level_labels"] = LEVEL_LABELS
        context["options_url"] = reverse("core:division-options")
        context["refresh_field"] = REFRESH_FIELD
        return context


def _consistent_chain(values: list[Any]) -> list[str | None]:
    """Drop a city that is not in the chosen province, and a county not in the chosen city."""
    province, city, county = ([*list(values), None, None, None])[:3]
    province = province if division_get(province) else None
    city_node = division_get(city)
    city = city if city_node and province and city_node.parent == province else None
    county_node = division_get(county)
    county = county if county_node and city and county_node.parent == city else None
    return [province, city, county]


class RegionPickerField(forms.MultiValueField):
    """A 医保区划 chosen down to the deepest level that exists (e.g. 东莞市 has no counties)."""

    widget = RegionPickerWidget
    default_error_messages = {
        "required": "请选择医保区划",
        "province": "请选择省（自治区、直辖市）",
        "city": "请选择市（地区、州）",
        "county": "请选择区县",
        "invalid": "所选医保区划不存在，请重新选择",
    }

    def __init__(self, *, levels: int = 3, **kwargs: Any) -> None:
        """`levels`: how deep the choice goes (3: county, 2: city)."""
        self.levels = levels
        fields = tuple(forms.CharField(required=False) for _ in range(levels))
        kwargs.setdefault("widget", RegionPickerWidget(levels=levels))
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str | None]) -> str | None:
        if not data_list or not any(data_list):
            return None
        province, city, county = ([*list(data_list), None, None, None])[:3]
        chain = _consistent_chain([province, city, county])
        if province and chain[0] is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if (city and chain[1] is None) or (county and chain[2] is None):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        for level, code in enumerate(chain[: self.levels]):
            if code is None:
                parent = chain[level - 1] if level else None
                if level == 0 or (parent and division_children(parent)):
                    key = ("province", "city", "county")[level]
                    raise ValidationError(self.error_messages[key], code=key)
                return parent
        return chain[self.levels - 1]


class KeptPasswordInput(forms.PasswordInput):
    """A password input that shows again what was typed when its page comes back: after
    发送验证码, 换一张, a region's 选择 or an error elsewhere, nobody types a password twice.

    A view whose page may carry a typed password back must not let it be cached (`never_cache`);
    a password the server refused as wrong is not shown again (`typed_values_forget`).
    """

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, render_value=True)


class PasswordStrengthInput(KeptPasswordInput):
    """A password input with the 密码强度 弱/中/强 meter that updates as the user types."""

    template_name = "components/password_strength_input.html"
