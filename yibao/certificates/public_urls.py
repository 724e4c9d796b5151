"""参保证明查验 for anyone, mounted at verify/ (printed certificates' QR codes encode the path)."""

from django.urls import path

from yibao.certificates import public_views

app_name = "certificates-public"
urlpatterns = [
    path("", public_views.check, name="check"),
]
