from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "yibao.institutions"
    label = "institutions"
    verbose_name = "定点医药机构服务"

    def ready(self) -> None:
        from yibao.institutions import types  # noqa: F401 - registers 定点医疗机构/零售药店信息变更
