"""The core system's unit register feed of the machine API, mounted at api/internal/."""

from django.urls import path

from yibao.federation import internal_api

app_name = "federation-api"
urlpatterns = [
    path("unit-registry/", internal_api.unit_registry_feed, name="unit-registry"),
]
