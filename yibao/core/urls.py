"""医保区划查询, mounted at regions/."""

from django.urls import path

from yibao.core import views

app_name = "core"
urlpatterns = [
    path("", views.divisions, name="divisions"),
    path("options/", views.division_options, name="division-options"),
]
