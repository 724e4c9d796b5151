from django.urls import path

from yibao.enrollment import views

app_name = "enrollment"
urlpatterns = [
    path("interruption/", views.interruption, name="interruption"),
    path("key-info-change/", views.key_info_change, name="key-info-change"),
    path("key-info-change/<int:person_id>/", views.key_info_change_person, name="key-info-change-person"),
    path("info-change/", views.info_change, name="info-change"),
    path("info-change/<int:person_id>/", views.info_change_person, name="info-change-person"),
]
