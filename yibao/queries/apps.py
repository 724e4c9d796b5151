from django.apps import AppConfig


class QueriesConfig(AppConfig):
    name = "yibao.queries"
    verbose_name = "查询服务"

    def ready(self) -> None:
        from yibao.queries import export_kinds  # noqa: F401 - registers 职工花名册 and 异地就医备案信息
