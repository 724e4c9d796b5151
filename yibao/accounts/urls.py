from django.urls import path

from yibao.accounts import views

app_name = "accounts"
urlpatterns = [
    path("_dev/sms/", views.sms_outbox, name="sms-outbox"),
]
