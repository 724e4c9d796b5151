from django.urls import path

from yibao.certificates import views

app_name = "certificates"
urlpatterns = [
    path("unit/", views.unit_certificate, name="unit"),
    path("unit/preview/", views.unit_preview, name="unit-preview"),
    path("unit/print/", views.unit_print, name="unit-print"),
    path("unit/issued/<int:certificate_id>/pdf/", views.unit_pdf, name="unit-pdf"),
    path("person/", views.person_search, name="person-search"),
    path("person/<int:person_id>/", views.person_certificate, name="person"),
    path("person/<int:person_id>/preview/", views.person_preview, name="person-preview"),
    path("person/<int:person_id>/print/", views.person_print, name="person-print"),
    path("person/issued/<int:certificate_id>/pdf/", views.person_pdf, name="person-pdf"),
]
