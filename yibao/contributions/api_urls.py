"""The contributions feed of the machine API, mounted at api/internal/."""

from django.urls import path

from yibao.contributions import internal_api

app_name = "contributions-api"
urlpatterns = [
    path("contributions/", internal_api.contributions_feed, name="feed"),
]
