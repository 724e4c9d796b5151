from django.apps import AppConfig


class AgencyConfig(AppConfig):
    name = "yibao.agency"
    verbose_name = "经办机构工作台"
