from django.urls import path

from yibao.entry import home_views, recovery_views, registration_views, self_service_views, views

app_name = "entry"
urlpatterns = [
    path("register/", registration_views.register_unit, name="register"),
    path("register/operator/", registration_views.register_operator, name="register-operator"),
    path("register/done/", registration_views.register_done, name="register-done"),
    path("password-recovery/", recovery_views.recovery_start, name="recovery"),
    path("password-recovery/unit-uscc/", recovery_views.recovery_unit_uscc, name="recovery-unit-uscc"),
    path(
        "password-recovery/unit-account/", recovery_views.recovery_unit_account, name="recovery-unit-account"
    ),
    path("password-recovery/operator/", recovery_views.recovery_operator, name="recovery-operator"),
    path("password-recovery/done/", recovery_views.recovery_done, name="recovery-done"),
    path("login/", views.login, name="login"),
    path("login/choose-unit/", views.choose_unit, name="choose-unit"),
    path("logout/", views.logout, name="logout"),
    path("hall/", home_views.operator_home, name="operator-home"),
    path("hall/unit/", home_views.unit_home, name="unit-home"),
    path("hall/switch-unit/", views.switch_unit, name="switch-unit"),
    path("hall/account/", self_service_views.account_home, name="account"),
    path("hall/account/password/", self_service_views.account_password, name="account-password"),
    path("hall/account/email/", self_service_views.account_email, name="account-email"),
    path("hall/account/address/", self_service_views.account_address, name="account-address"),
    path("hall/account/confirm/", self_service_views.account_confirm, name="account-confirm"),
]
