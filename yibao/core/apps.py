from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yibao.core"
    verbose_name = "基础数据"

    def ready(self) -> None:
        from yibao.core import checks  # noqa: F401  (registers system checks)
