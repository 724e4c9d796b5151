from django.urls import path

from yibao.catalog import views

app_name = "catalog"
urlpatterns = [
    path("pharmacies/", views.pharmacy_list, name="pharmacy-list"),
    path("pharmacies/<str:code>/", views.pharmacy_detail, name="pharmacy-detail"),
    path("institutions/", views.institution_list, name="institution-list"),
    path("institutions/<str:code>/", views.institution_detail, name="institution-detail"),
    path("agencies/", views.agency_list, name="agency-list"),
    path("agencies/<str:code>/", views.agency_detail, name="agency-detail"),
    path("drugs/", views.drug_list, name="drug-list"),
    path("drugs/<str:code>/", views.drug_detail, name="drug-detail"),
    path("service-items/", views.service_item_list, name="service-item-list"),
    path(
        "service-items/<str:admdvs>/<str:code>/",
        views.service_item_detail,
        name="service-item-detail",
    ),
]
