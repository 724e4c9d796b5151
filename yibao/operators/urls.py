"""单位经办人 of the unit admin and the operator's service list, mounted at hall/operators/."""

from django.urls import path

from yibao.operators import views

app_name = "operators"
urlpatterns = [
    # 单位经办人: the unit admin manages its operators and their grants
    path("", views.operator_list, name="list"),
    path("add/", views.operator_add, name="add"),
    path("add/confirm/", views.operator_add_confirm, name="add-confirm"),
    path("<int:binding_id>/grants/", views.operator_grants, name="grants"),
    path("<int:binding_id>/reset-password/", views.operator_reset_password, name="reset-password"),
    path("<int:binding_id>/unbind/", views.operator_unbind, name="unbind"),
    # the operator's hall: 网上经办 / 业务查询 / 打印服务, a business item, 切换管理人群
    path("services/", views.service_list, name="services"),
    path("services/<slug:item_code>/", views.item_page, name="item"),
    path("population/", views.population_switch, name="population-switch"),
]
