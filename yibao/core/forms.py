from django import forms

from yibao.core.widgets import RegionPickerField


class DivisionQueryForm(forms.Form):
    admdvs = RegionPickerField(label="医保区划", required=False)
