from django.apps import AppConfig


class FilingsConfig(AppConfig):
    name = "yibao.filings"
    label = "filings"
    verbose_name = "异地就医备案"

    def ready(self) -> None:
        from yibao.filings import types  # noqa: F401 - registers the 备案 application types
