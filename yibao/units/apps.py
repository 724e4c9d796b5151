from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "yibao.units"
    verbose_name = "参保单位"

    def ready(self) -> None:
        from yibao.units import changes  # noqa: F401 - registers the unit info-change application types
