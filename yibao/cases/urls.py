"""办件记录查询 and the operator's workspace of an application, mounted at hall/cases/."""

from django.urls import path

from yibao.cases import hall_views, record_views

app_name = "cases"
urlpatterns = [
    # 办件记录查询: the unit's applications, one application, 撤回, 删除
    path("", record_views.record_list, name="list"),
    path("<int:application_id>/", record_views.record_detail, name="detail"),
    path("<int:application_id>/withdraw/", record_views.record_withdraw, name="withdraw"),
    path("<int:application_id>/delete/", record_views.record_delete, name="delete"),
    # the workspace of a draft: edit, print and submit, with its materials
    path("<int:application_id>/edit/", hall_views.workspace, name="edit"),
    path("<int:application_id>/print/", hall_views.print_form, name="print"),
    path("<int:application_id>/form/", hall_views.form_pdf, name="form-pdf"),
    path("<int:application_id>/submit/", hall_views.submit, name="submit"),
    path("<int:application_id>/materials/", hall_views.material_upload, name="material-upload"),
    path("<int:application_id>/materials/<int:material_id>/", hall_views.material_file, name="material"),
    path(
        "<int:application_id>/materials/<int:material_id>/remove/",
        hall_views.material_remove,
        name="material-remove",
    ),
]
