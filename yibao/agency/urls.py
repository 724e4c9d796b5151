from django.urls import path

from yibao.agency import views

app_name = "agency"
urlpatterns = [path("", views.workbench, name="workbench")]
