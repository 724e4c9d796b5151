from django.urls import path

from yibao.units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_home, name="home"),
]
