from django.urls import path

from yibao.core import views

app_name = "core"
urlpatterns = [
    path("regions/", views.divisions, name="divisions"),
    path("regions/options/", views.division_options, name="division-options"),
    path("healthz/", views.healthz, name="healthz"),
    path("_dev/components/", views.component_gallery, name="component-gallery"),
]
