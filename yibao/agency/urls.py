from django.urls import path

from yibao.agency import login_views, views

app_name = "agency"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("login/", login_views.staff_login, name="login"),
    path("login/verify/", login_views.staff_login_verify, name="login-verify"),
    path("login/setup/", login_views.staff_login_setup, name="login-setup"),
    path("login/recovery-codes/", login_views.staff_recovery_codes, name="login-recovery-codes"),
    path("queue/", views.queue, name="queue"),
    path("applications/<int:application_id>/", views.review, name="review"),
    path("applications/<int:application_id>/claim/", views.claim, name="claim"),
    path("applications/<int:application_id>/decide/", views.decide, name="decide"),
    path(
        "applications/<int:application_id>/materials/<int:material_id>/",
        views.material,
        name="material",
    ),
    path(
        "applications/<int:application_id>/materials/<int:material_id>/pages/<int:page>/",
        views.material_page,
        name="material-page",
    ),
    path("certifications/", views.certifications, name="certifications"),
    path("certifications/licences/<int:submission_id>/", views.licence_review, name="licence-review"),
    path("certifications/licences/<int:submission_id>/file/", views.licence_file, name="licence-file"),
    path(
        "certifications/licences/<int:submission_id>/pages/<int:page>/",
        views.licence_page,
        name="licence-page",
    ),
    path("certifications/roles/<int:certification_id>/", views.role_review, name="role-review"),
]
