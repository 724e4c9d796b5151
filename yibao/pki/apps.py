from django.apps import AppConfig


class PkiConfig(AppConfig):
    name = "yibao.pki"
    label = "pki"
    verbose_name = "数字证书"
