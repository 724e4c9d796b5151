from django.urls import path

from yibao.cases import hall_views

app_name = "cases"
urlpatterns = [
    path("hall/cases/<int:application_id>/edit/", hall_views.workspace, name="edit"),
    path("hall/cases/<int:application_id>/print/", hall_views.print_form, name="print"),
    path("hall/cases/<int:application_id>/form/", hall_views.form_pdf, name="form-pdf"),
    path("hall/cases/<int:application_id>/submit/", hall_views.submit, name="submit"),
    path("hall/cases/<int:application_id>/materials/", hall_views.material_upload, name="material-upload"),
    path(
        "hall/cases/<int:application_id>/materials/<int:material_id>/",
        hall_views.material_file,
        name="material",
    ),
    path(
        "hall/cases/<int:application_id>/materials/<int:material_id>/remove/",
        hall_views.material_remove,
        name="material-remove",
    ),
]
