"""访问招采系统, mounted at hall/procurement/."""

from django.urls import path

from yibao.procurement import views

app_name = "procurement"
urlpatterns = [
    path("", views.handoff, name="handoff"),
    path("go/", views.go, name="go"),
]
