"""我的消息 (unit admin) and 系统通知 (operator), included under hall/."""

from django.urls import path

from yibao.notices import hall_views

app_name = "messages"
urlpatterns = [
    path("unit/messages/", hall_views.unit_message_list, name="unit-list"),
    path("unit/messages/<int:message_id>/", hall_views.unit_message_detail, name="unit-detail"),
    path("unit/messages/read-all/", hall_views.unit_messages_read_all, name="unit-read-all"),
    path("account/notifications/", hall_views.operator_message_list, name="operator-list"),
    path(
        "account/notifications/<int:message_id>/", hall_views.operator_message_detail, name="operator-detail"
    ),
    path("account/notifications/read-all/", hall_views.operator_messages_read_all, name="operator-read-all"),
]
