from django.urls import path

from yibao.accounts import registration_views, views

app_name = "accounts"
urlpatterns = [
    path("register/", registration_views.register_unit, name="register"),
    path("register/operator/", registration_views.register_operator, name="register-operator"),
    path("register/done/", registration_views.register_done, name="register-done"),
    path("login/", views.login, name="login"),
    path("login/choose-unit/", views.choose_unit, name="choose-unit"),
    path("logout/", views.logout, name="logout"),
    path("hall/", views.operator_home, name="operator-home"),
    path("hall/switch-unit/", views.switch_unit, name="switch-unit"),
    path("hall/unit/", views.unit_home, name="unit-home"),
    path("_dev/sms/", views.sms_outbox, name="sms-outbox"),
]
