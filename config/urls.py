from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("yibao.portal.urls")),
    path("", include("yibao.core.urls")),
    path("", include("yibao.entry.urls")),
    path("", include("yibao.accounts.urls")),
    path("", include("yibao.cases.record_urls")),
    path("", include("yibao.operators.urls")),
    path("", include("yibao.cases.urls")),
    path("", include("yibao.changes.urls")),
    path("", include("yibao.enrollment.enroll_urls")),
    path("hall/unit/", include("yibao.units.urls")),
    path("hall/enrollment/", include("yibao.enrollment.urls")),
    path("hall/query/", include("yibao.queries.urls")),
    path("notices/", include("yibao.notices.urls")),
    path("hall/", include("yibao.entry.message_urls")),
    path("", include("yibao.catalog.urls")),
    path("agency/", include("yibao.agency.urls")),
    path("hall/contributions/", include("yibao.contributions.urls")),
    path("internal/api/", include("yibao.contributions.internal_urls")),
    path("hall/certificates/", include("yibao.certificates.urls")),
    path("verify/", include("yibao.certificates.public_urls")),
    path("captcha/", include("yibao.accounts.captcha_urls")),
    path("admin/", admin.site.urls),
]
