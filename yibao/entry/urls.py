"""The ways into the hall and the hall's own pages, mounted at hall/."""

from django.urls import path

from yibao.entry import (
    home_views,
    message_views,
    oidc_views,
    recovery_views,
    registration_views,
    self_service_views,
    views,
)

app_name = "entry"
urlpatterns = [
    # login and logout, 选择单位 / 切换单位
    path("login/", views.login, name="login"),
    path("login/ca/", views.login_ca, name="login-ca"),
    path("login/ca/driver/", views.ca_driver, name="ca-driver"),
    path("login/oidc/", oidc_views.login_oidc, name="login-oidc"),
    path("login/oidc/callback/", oidc_views.login_oidc_callback, name="login-oidc-callback"),
    path("login/choose-unit/", views.choose_unit, name="choose-unit"),
    path("logout/", views.logout, name="logout"),
    path("switch-unit/", views.switch_unit, name="switch-unit"),
    # 单位注册, 找回密码
    path("register/", registration_views.register_unit, name="register"),
    path("register/ca/", registration_views.register_ca, name="register-ca"),
    path("register/operator/", registration_views.register_operator, name="register-operator"),
    path("register/done/", registration_views.register_done, name="register-done"),
    path("password-recovery/", recovery_views.recovery_start, name="recovery"),
    path("password-recovery/unit-uscc/", recovery_views.recovery_unit_uscc, name="recovery-unit-uscc"),
    path(
        "password-recovery/unit-account/", recovery_views.recovery_unit_account, name="recovery-unit-account"
    ),
    path("password-recovery/operator/", recovery_views.recovery_operator, name="recovery-operator"),
    path("password-recovery/done/", recovery_views.recovery_done, name="recovery-done"),
    # the home pages: the operator's (单位网厅首页) and the unit admin's (单位管理首页), which is
    # the one path of entry under the units app's prefix hall/unit/
    path("", home_views.operator_home, name="operator-home"),
    path("unit/", home_views.unit_home, name="unit-home"),
    # 我的消息 of the unit admin
    path("messages/", message_views.unit_message_list, name="unit-messages"),
    path("messages/<int:message_id>/", message_views.unit_message_detail, name="unit-message"),
    path("messages/read-all/", message_views.unit_messages_read_all, name="unit-messages-read-all"),
    # 个人中心 of the operator: 账户管理 and 系统通知
    path("account/", self_service_views.account_home, name="account"),
    path("account/password/", self_service_views.account_password, name="account-password"),
    path("account/email/", self_service_views.account_email, name="account-email"),
    path("account/address/", self_service_views.account_address, name="account-address"),
    path("account/confirm/", self_service_views.account_confirm, name="account-confirm"),
    path("account/notifications/", message_views.operator_message_list, name="notifications"),
    path(
        "account/notifications/<int:message_id>/", message_views.operator_message_detail, name="notification"
    ),
    path(
        "account/notifications/read-all/",
        message_views.operator_messages_read_all,
        name="notifications-read-all",
    ),
]
