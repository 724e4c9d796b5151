"""The national instance's calls for provincial halls, mounted at api/internal/."""

from django.urls import path

from yibao.entry import api

app_name = "entry-api"
urlpatterns = [
    path("federation/verify-unit/", api.verify_unit, name="verify-unit"),
]
