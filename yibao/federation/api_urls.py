"""The federation's machine API, mounted at api/internal/: the core system's unit register feed
(bearer token) and the events other halls deliver (signed with the shared secret)."""

from django.urls import path

from yibao.federation import api, internal_api

app_name = "federation-api"
urlpatterns = [
    path("unit-registry/", internal_api.unit_registry_feed, name="unit-registry"),
    path("federation/events/", api.events, name="events"),
]
