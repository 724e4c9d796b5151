from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "yibao.contributions"
    verbose_name = "缴费"
