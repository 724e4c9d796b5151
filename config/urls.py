"""The site's URL map, by area. Each app mounts one URL module per area it serves."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # 公共服务: open to anyone (the portal is the only app at the root)
    path("", include("yibao.portal.urls")),
    path("notices/", include("yibao.notices.urls")),
    path("catalog/", include("yibao.catalog.urls")),
    path("regions/", include("yibao.core.urls")),
    path("verify/", include("yibao.certificates.public_urls")),
    path("captcha/", include("yibao.accounts.captcha_urls")),
    # 单位网厅 hall/: unit admins and operators, with the login, registration and recovery
    path("hall/", include("yibao.entry.urls")),
    path("hall/unit/", include("yibao.units.urls")),  # 单位管理; its home, hall/unit/ itself, is entry's
    path("hall/operators/", include("yibao.operators.urls")),
    path("hall/cases/", include("yibao.cases.urls")),
    path("hall/changes/", include("yibao.changes.urls")),
    path("hall/filings/", include("yibao.filings.urls")),
    path("hall/newborns/", include("yibao.newborns.urls")),
    path("hall/procurement/", include("yibao.procurement.urls")),
    path("hall/institutions/", include("yibao.institutions.urls")),  # 医疗机构服务 / 零售药店服务
    path("hall/enrollment/", include("yibao.enrollment.urls")),
    path("hall/queries/", include("yibao.queries.urls")),
    path("hall/contributions/", include("yibao.contributions.urls")),
    path("hall/exports/", include("yibao.exports.urls")),  # 导出记录 of the queries that export
    path("hall/certificates/", include("yibao.certificates.urls")),
    # 经办机构 agency/: the agency staff's workbench
    path("agency/", include("yibao.agency.urls")),
    # machine API api/: clients with a bearer token, no session
    path("api/internal/", include("yibao.contributions.api_urls")),
    path("api/internal/", include("yibao.catalog.api_urls")),
    path("api/internal/", include("yibao.federation.api_urls")),
    path("api/internal/", include("yibao.entry.api_urls")),
    # development _dev/: refused unless YIBAO_DEV_AFFORDANCES is on
    path("_dev/components/", include("yibao.core.dev_urls")),
    path("_dev/sms/", include("yibao.accounts.dev_urls")),
    # operations ops/: health probes (public, reveal nothing) and metrics (monitoring only)
    path("ops/", include("yibao.core.ops_urls")),
    # Django admin admin/: reference data, the business catalogue, notices
    path("admin/", admin.site.urls),
    # the old addresses, redirecting to the new ones (the portal's; last, so they shadow nothing)
    path("", include("yibao.portal.legacy_urls")),
]

# An outage of the database or Redis raised outside a view answers 503 «系统繁忙» (yibao.core.outage).
handler500 = "yibao.core.outage.server_error"
