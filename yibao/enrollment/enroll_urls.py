from django.urls import path

from yibao.enrollment import enroll_views

app_name = "enroll"
urlpatterns = [
    path("hall/enroll/", enroll_views.enroll_single, name="single"),
]
