from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    name = "yibao.operators"
    verbose_name = "经办人"
