from django.urls import path

from yibao.changes import views

app_name = "changes"
urlpatterns = [
    path("hall/changes/unit-info/", views.unit_info_change, name="unit-info-change"),
    path("hall/changes/unit-key-info/", views.unit_key_info_change, name="unit-key-info-change"),
    path(
        "hall/enrollment/key-info-change/",
        views.employee_key_info_change,
        name="employee-key-info-change",
    ),
    path(
        "hall/enrollment/key-info-change/<int:person_id>/",
        views.employee_key_info_change_person,
        name="employee-key-info-change-person",
    ),
    path("hall/enrollment/info-change/", views.employee_info_change, name="employee-info-change"),
    path(
        "hall/enrollment/info-change/<int:person_id>/",
        views.employee_info_change_person,
        name="employee-info-change-person",
    ),
]
