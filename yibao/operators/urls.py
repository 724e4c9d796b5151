from django.urls import path

from yibao.operators import views

app_name = "operators"
urlpatterns = [
    path("hall/services/", views.service_list, name="services"),
    path("hall/services/<slug:item_code>/", views.item_page, name="item"),
    path("hall/population/", views.population_switch, name="population-switch"),
    path("hall/unit/operators/", views.operator_list, name="list"),
    path("hall/unit/operators/add/", views.operator_add, name="add"),
    path("hall/unit/operators/add/confirm/", views.operator_add_confirm, name="add-confirm"),
    path("hall/unit/operators/<int:binding_id>/grants/", views.operator_grants, name="grants"),
    path(
        "hall/unit/operators/<int:binding_id>/reset-password/",
        views.operator_reset_password,
        name="reset-password",
    ),
    path("hall/unit/operators/<int:binding_id>/unbind/", views.operator_unbind, name="unbind"),
]
