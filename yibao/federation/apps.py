from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "yibao.federation"
    label = "federation"
    verbose_name = "医保信息系统与国家平台"
