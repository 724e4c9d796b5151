from django.urls import path

from yibao.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.directory, name="directory"),
    path("services/<slug:slug>/", views.service, name="service"),
    path("healthz/", views.healthz, name="healthz"),
]
