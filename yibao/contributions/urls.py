from django.urls import path

from yibao.contributions import views

app_name = "contributions"
urlpatterns = [
    path("unit/", views.unit_contributions, name="unit"),
    path("unit/export/", views.unit_contributions_export, name="unit-export"),
    path("person/", views.person_contributions, name="person"),
]
