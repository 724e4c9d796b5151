from django.urls import path

from yibao.enrollment import batch_views, enroll_views

app_name = "enroll"
urlpatterns = [
    path("hall/enroll/", enroll_views.enroll_single, name="single"),
    path("hall/enroll/batch/", batch_views.batch_page, name="batch"),
    path("hall/enroll/batch/template/", batch_views.batch_template, name="batch-template"),
    path("hall/enroll/batch/<int:batch_id>/", batch_views.batch_detail, name="batch-detail"),
    path("hall/enroll/batch/<int:batch_id>/failures/", batch_views.batch_failures, name="batch-failures"),
]
