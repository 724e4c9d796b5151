from django.urls import path

from yibao.enrollment import batch_views, views

app_name = "enrollment"
urlpatterns = [
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
