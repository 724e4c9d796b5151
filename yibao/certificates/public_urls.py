from django.urls import path

from yibao.certificates import public_views

app_name = "verify"
urlpatterns = [
    path("", public_views.check, name="check"),
]
