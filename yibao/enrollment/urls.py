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
    path("key-info-change/", views.key_info_change, name="key-info-change"),
    path("key-info-change/<int:person_id>/", views.key_info_change_person, name="key-info-change-person"),
    path("info-change/", views.info_change, name="info-change"),
    path("info-change/<int:person_id>/", views.info_change_person, name="info-change-person"),
]
