"""The national instance's calls for provincial halls, mounted at api/internal/."""

from django.urls import path

from yibao.entry import api

app_name = "entry-api"
urlpatterns = [
    path("federation/verify-account/", api.verify_account, name="verify-account"),
    path("federation/unit-registered/", api.unit_registered, name="unit-registered"),
]
