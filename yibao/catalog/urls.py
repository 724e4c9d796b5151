from django.urls import path

from yibao.catalog import views

app_name = "catalog"
urlpatterns = [
    path("catalog/pharmacies/", views.pharmacy_list, name="pharmacy-list"),
    path("catalog/pharmacies/<str:code>/", views.pharmacy_detail, name="pharmacy-detail"),
    path("catalog/institutions/", views.institution_list, name="institution-list"),
    path("catalog/institutions/<str:code>/", views.institution_detail, name="institution-detail"),
    path("catalog/agencies/", views.agency_list, name="agency-list"),
    path("catalog/agencies/<str:code>/", views.agency_detail, name="agency-detail"),
    path("catalog/drugs/", views.drug_list, name="drug-list"),
    path("catalog/drugs/<str:code>/", views.drug_detail, name="drug-detail"),
    path("catalog/service-items/", views.service_item_list, name="service-item-list"),
    path(
        "catalog/service-items/<str:admdvs>/<str:code>/",
        views.service_item_detail,
        name="service-item-detail",
    ),
]
