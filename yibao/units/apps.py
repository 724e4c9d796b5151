from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "yibao.units"
    verbose_name = "参保单位"
