from django.apps import AppConfig


class QueriesConfig(AppConfig):
    name = "yibao.queries"
    verbose_name = "查询服务"
