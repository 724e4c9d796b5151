"""信息变更 of the unit and of its employees, mounted at hall/changes/."""

from django.urls import path

from yibao.changes import views

app_name = "changes"
urlpatterns = [
    path("unit-info/", views.unit_info_change, name="unit-info-change"),
    path("unit-key-info/", views.unit_key_info_change, name="unit-key-info-change"),
    path("employee-key-info/", views.employee_key_info_change, name="employee-key-info-change"),
    path(
        "employee-key-info/<int:person_id>/",
        views.employee_key_info_change_person,
        name="employee-key-info-change-person",
    ),
    path("employee-info/", views.employee_info_change, name="employee-info-change"),
    path(
        "employee-info/<int:person_id>/",
        views.employee_info_change_person,
        name="employee-info-change-person",
    ),
]
