"""我的消息 (unit admin) and 系统通知 (operator), included under hall/."""

from django.urls import path

from yibao.entry import message_views

app_name = "messages"
urlpatterns = [
    path("unit/messages/", message_views.unit_message_list, name="unit-list"),
    path("unit/messages/<int:message_id>/", message_views.unit_message_detail, name="unit-detail"),
    path("unit/messages/read-all/", message_views.unit_messages_read_all, name="unit-read-all"),
    path("account/notifications/", message_views.operator_message_list, name="operator-list"),
    path(
        "account/notifications/<int:message_id>/",
        message_views.operator_message_detail,
        name="operator-detail",
    ),
    path(
        "account/notifications/read-all/", message_views.operator_messages_read_all, name="operator-read-all"
    ),
]
