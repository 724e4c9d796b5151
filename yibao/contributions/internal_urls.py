from django.urls import path

from yibao.contributions import internal_api

app_name = "internal-contributions"
urlpatterns = [
    path("contributions/", internal_api.contributions_feed, name="feed"),
]
