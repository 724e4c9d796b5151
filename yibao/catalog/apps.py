from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "yibao.catalog"
    verbose_name = "公用服务目录"
