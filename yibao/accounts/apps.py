from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yibao.accounts"
    verbose_name = "账号"
