"""The 医疗机构服务 and 零售药店服务 areas, mounted at hall/institutions/<area>/."""

from django.urls import URLPattern, path

from yibao.institutions import views
from yibao.institutions.areas import AREAS
from yibao.institutions.selectors import PENDING, REVIEWED

app_name = "institutions"


def _area_patterns() -> list[URLPattern]:
    patterns = []
    for area in AREAS:
        patterns += [
            path(f"{area.slug}/", views.home_view(area), name=f"{area.slug}-home"),
            path(f"{area.slug}/change/", views.change_view(area), name=f"{area.slug}-change"),
            path(f"{area.slug}/pending/", views.query_view(area, PENDING), name=f"{area.slug}-pending"),
            path(f"{area.slug}/reviewed/", views.query_view(area, REVIEWED), name=f"{area.slug}-reviewed"),
            path(
                f"{area.slug}/templates/worksheet/",
                views.template_view(area, "worksheet"),
                name=f"{area.slug}-worksheet",
            ),
            path(
                f"{area.slug}/templates/pledge/",
                views.template_view(area, "pledge"),
                name=f"{area.slug}-pledge",
            ),
        ]
    return patterns


urlpatterns = _area_patterns()
