from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "yibao.cases"
    verbose_name = "申报与审核"
    default_auto_field = "django.db.models.BigAutoField"
