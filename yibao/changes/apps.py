from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "yibao.changes"
    label = "changes"
    verbose_name = "信息变更"

    def ready(self) -> None:
        from yibao.changes import (
            person_types,  # noqa: F401 - registers 职工参保关键/非关键信息变更
            unit_types,  # noqa: F401 - registers 单位参保关键/非关键信息变更
        )
