from django.urls import path

from yibao.cases import record_views

app_name = "records"
urlpatterns = [
    path("hall/cases/", record_views.record_list, name="list"),
    path("hall/cases/<int:application_id>/", record_views.record_detail, name="detail"),
    path("hall/cases/<int:application_id>/withdraw/", record_views.record_withdraw, name="withdraw"),
]
