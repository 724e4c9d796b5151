from django.urls import path

from yibao.units import views

app_name = "units"
urlpatterns = [
    path("info/", views.unit_info, name="info"),
    path("info/confirm/", views.unit_info_confirm, name="info-confirm"),
    path("populations/", views.unit_populations, name="populations"),
    path("qualification/", views.qualification, name="qualification"),
    path("qualification/upload/", views.qualification_upload, name="qualification-upload"),
    path(
        "qualification/licences/<int:submission_id>/",
        views.qualification_licence_file,
        name="qualification-licence",
    ),
    path("roles/", views.role_list, name="roles"),
    path("roles/<slug:role>/certify/", views.role_certify, name="role-certify"),
    path("certificates/", views.certificate_list, name="certificates"),
    path("certificates/<int:certificate_id>/unbind/", views.certificate_unbind, name="certificate-unbind"),
]
