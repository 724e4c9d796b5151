from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "yibao.contributions"
    verbose_name = "缴费"

    def ready(self) -> None:
        from yibao.contributions import exports  # noqa: F401 - registers 缴费明细
