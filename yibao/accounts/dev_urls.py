"""Development pages of accounts, mounted at _dev/sms/."""

from django.urls import path

from yibao.accounts import views

app_name = "accounts-dev"
urlpatterns = [
    path("", views.sms_outbox, name="sms-outbox"),
]
