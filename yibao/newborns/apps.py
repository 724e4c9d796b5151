from django.apps import AppConfig


class NewbornsConfig(AppConfig):
    name = "yibao.newborns"
    label = "newborns"
    verbose_name = "婴幼儿备案"

    def ready(self) -> None:
        from yibao.newborns import types  # noqa: F401 - registers the 婴幼儿备案 application type
