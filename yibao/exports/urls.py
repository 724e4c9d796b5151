from django.urls import path

from yibao.exports import views

app_name = "exports"
urlpatterns = [
    path("<slug:item_code>/", views.export_list, name="list"),
    path("<slug:item_code>/<int:job_id>/download/", views.export_download, name="download"),
]
