from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "yibao.procurement"
    label = "procurement"
    verbose_name = "招采系统对接"
