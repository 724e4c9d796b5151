from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "yibao.enrollment"
    verbose_name = "参保登记"

    def ready(self) -> None:
        from yibao.enrollment import (
            batch_import,  # noqa: F401 - registers 职工参保登记（批量）
            enroll_types,  # noqa: F401 - registers 职工参保登记
            interruption_batch,  # noqa: F401 - registers 职工中断参保（批量）
            interruption_types,  # noqa: F401 - registers 职工中断参保
        )
