from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "yibao.exports"
    verbose_name = "导出"
