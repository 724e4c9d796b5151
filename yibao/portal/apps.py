from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "yibao.portal"
    verbose_name = "公共服务门户"
