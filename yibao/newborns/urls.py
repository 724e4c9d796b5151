"""婴幼儿备案, mounted at hall/newborns/."""

from django.urls import path

from yibao.newborns import views

app_name = "newborns"
urlpatterns = [path("", views.filing, name="filing")]
