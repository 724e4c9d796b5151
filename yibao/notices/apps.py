from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "yibao.notices"
    verbose_name = "公告"
