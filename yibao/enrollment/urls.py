"""职工参保登记 and 职工中断参保, mounted at hall/enrollment/."""

from django.urls import path

from yibao.enrollment import batch_views, enroll_views, views

app_name = "enrollment"
urlpatterns = [
    # 职工参保登记: 单个人员参保登记, 批量参保登记
    path("enroll/", enroll_views.enroll_single, name="enroll"),
    path("enroll/batch/", batch_views.batch_page, name="enroll-batch"),
    path("enroll/batch/template/", batch_views.batch_template, name="enroll-batch-template"),
    path("enroll/batch/<int:batch_id>/", batch_views.batch_detail, name="enroll-batch-detail"),
    path("enroll/batch/<int:batch_id>/failures/", batch_views.batch_failures, name="enroll-batch-failures"),
    # 职工中断参保: 少量中断, 批量文件中断
    path("interruption/", views.interruption, name="interruption"),
    path("interruption/batch/", batch_views.interruption_batch_page, name="interruption-batch"),
    path(
        "interruption/batch/template/",
        batch_views.interruption_batch_template,
        name="interruption-batch-template",
    ),
    path(
        "interruption/batch/<int:batch_id>/",
        batch_views.interruption_batch_detail,
        name="interruption-batch-detail",
    ),
    path(
        "interruption/batch/<int:batch_id>/failures/",
        batch_views.interruption_batch_failures,
        name="interruption-batch-failures",
    ),
]
