from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "yibao.certificates"
    verbose_name = "参保证明"
