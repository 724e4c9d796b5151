from django.urls import URLPattern, path

from yibao.certificates import views
from yibao.filings.kinds import KINDS

app_name = "certificates"
urlpatterns: list[URLPattern] = [
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
# 备案凭证: per filing kind, behind that kind's business item (the filing pages' grant)
for _code, _spec in KINDS.items():
    _views = views.FILING_RECEIPT_VIEWS[_code]
    urlpatterns += [
        path(
            f"filing/{_spec.slug}/<int:filing_id>/print/", _views["print"], name=f"filing-{_spec.slug}-print"
        ),
        path(
            f"filing/{_spec.slug}/issued/<int:certificate_id>/pdf/",
            _views["pdf"],
            name=f"filing-{_spec.slug}-pdf",
        ),
    ]
