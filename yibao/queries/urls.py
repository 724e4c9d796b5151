from django.urls import path

from yibao.queries import views

app_name = "queries"
urlpatterns = [
    path("unit/", views.unit_basic_info, name="unit-basic-info"),
    path("unit-insurance/", views.unit_insurance_info, name="unit-insurance-info"),
    path("person/", views.person_basic_info, name="person-basic-info"),
    path("person-insurance/", views.person_insurance_info, name="person-insurance-info"),
    path("remote-care-filings/", views.remote_care_filings, name="remote-care-filings"),
    path("remote-care-filings/export/", views.remote_care_filings_export, name="remote-care-filings-export"),
    path("roster/", views.roster, name="roster"),
    path("roster/export/", views.roster_export, name="roster-export"),
    path("personnel-changes/", views.personnel_change_list, name="personnel-changes"),
]
