"""The 贯标平台 institution feed of the machine API, mounted at api/internal/."""

from django.urls import path

from yibao.catalog import internal_api

app_name = "catalog-api"
urlpatterns = [
    path("institutions/", internal_api.institutions_feed, name="institutions"),
]
