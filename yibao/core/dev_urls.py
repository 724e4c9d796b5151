"""Development pages of core, mounted at _dev/components/."""

from django.urls import path

from yibao.core import views

app_name = "core-dev"
urlpatterns = [
    path("", views.component_gallery, name="component-gallery"),
]
