"""公用服务: the public catalogue queries. No login; GET only; filters in the query string."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET

from yibao.catalog import selectors
from yibao.catalog.forms import (
    AgencyQueryForm,
    CatalogQueryForm,
    DrugQueryForm,
    InstitutionQueryForm,
    PharmacyQueryForm,
    ServiceItemQueryForm,
)
from yibao.catalog.models import Institution
from yibao.catalog.search import search_planning
from yibao.core.cache_versions import Scope
from yibao.core.forms import is_refresh, without_errors
from yibao.core.guards import public_view
from yibao.core.page_cache import public_page_cached
from yibao.core.widgets import REFRESH_FIELD

PAGE_SIZE = 20
PAGE_CACHE_SECONDS = 600  # a catalogue page, until an edition loads or syncs (cache_versions.Scope.CATALOG)
MAX_PAGES = 100  # 2,000 rows is more than anyone reads; deeper pages would cost long scans


class BoundedPaginator(Paginator):
    """Pages through the first MAX_PAGES pages only, and counts no further than that.

    Counting every match of a common word («胶囊» in 100,000 drugs) costs a scan of the table;
    counting up to the last reachable row stops early and says «超过 2000 条» instead.
    """

    @cached_property
    def limit(self) -> int:
        return MAX_PAGES * self.per_page

    @cached_property
    def count(self) -> int:
        # Unordered, so that the database can stop at the limit instead of sorting every match.
        queryset = cast(QuerySet[Any], self.object_list)
        return queryset.order_by()[: self.limit + 1].count()

    @property
    def is_truncated(self) -> bool:
        return self.count > self.limit

    @property
    def num_pages(self) -> int:
        return min(super().num_pages, MAX_PAGES)


def _query_string(request: HttpRequest) -> str:
    """The filters of this request, without the page number or the picker's refresh button."""
    pairs = [
        (key, value)
        for key, values in request.GET.lists()
        if key not in {"page", REFRESH_FIELD}
        for value in values
        if value.strip()
    ]
    return urlencode(pairs)


def _list_page(
    request: HttpRequest,
    *,
    form: CatalogQueryForm,
    rows: Any,
    template: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Validate the filters, page through the rows they select and render the list."""
    if form.is_bound:
        form.is_valid()
        if is_refresh(request.GET):
            form = without_errors(form)
    queryset: QuerySet[Any] = rows(**form.filters())
    with search_planning():
        page: Page[Any] = BoundedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "first_index": page.start_index() if page.object_list else 0,
            "query_string": _query_string(request),
            **(context or {}),
        },
    )


# --- 定点零售药店查询 --------------------------------------------------------------------------


@public_view
@require_GET
@public_page_cached(Scope.CATALOG, seconds=PAGE_CACHE_SECONDS)
def pharmacy_list(request: HttpRequest) -> HttpResponse:
    def rows(*, admdvs: str | None, name: str) -> QuerySet[Institution]:
        return selectors.institution_list(fixmedins_type=Institution.Type.PHARMACY, admdvs=admdvs, name=name)

    return _list_page(
        request, form=PharmacyQueryForm(request.GET or None), rows=rows, template="catalog/pharmacy_list.html"
    )


@public_view
@require_GET
@public_page_cached(Scope.CATALOG, seconds=PAGE_CACHE_SECONDS)
def pharmacy_detail(request: HttpRequest, code: str) -> HttpResponse:
    pharmacy = selectors.institution_get(code=code, fixmedins_type=Institution.Type.PHARMACY)
    if pharmacy is None:
        raise Http404
    return render(request, "catalog/institution_detail.html", {"institution": pharmacy})


# --- 定点医疗机构查询 --------------------------------------------------------------------------


@public_view
@require_GET
@public_page_cached(Scope.CATALOG, seconds=PAGE_CACHE_SECONDS)
def institution_list(request: HttpRequest) -> HttpResponse:
    def rows(*, admdvs: str | None, hosp_lv: str, name: str) -> QuerySet[Institution]:
        return selectors.institution_list(
            fixmedins_type=Institution.Type.MEDICAL, admdvs=admdvs, hosp_lv=hosp_lv, name=name
        )

    return _list_page(
        request,
        form=InstitutionQueryForm(request.GET or None),
        rows=rows,
        template="catalog/institution_list.html",
    )


@public_view
@require_GET
@public_page_cached(Scope.CATALOG, seconds=PAGE_CACHE_SECONDS)
def institution_detail(request: HttpRequest, code: str) -> HttpResponse:
    institution = selectors.institution_get(code=code, fixmedins_type=Institution.Type.MEDICAL)
    if institution is None:
        raise Http404
    return render(request, "catalog/institution_detail.html", {"institution": institution})


# --- 经办机构查询 ------------------------------------------------------------------------------


@public_view
@require_GET
@public_page_cached(Scope.CATALOG, seconds=PAGE_CACHE_SECONDS)
def agency_list(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request,
        form=AgencyQueryForm(request.GET or None),
        rows=selectors.agency_list,
        template="catalog/agency_list.html",
    )


@public_view
@require_GET
@public_page_cached(Scope.CATALOG, seconds=PAGE_CACHE_SECONDS)
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = selectors.agency_get(code=code)
    if agency is None:
        raise Http404
    return render(request, "catalog/agency_detail.html", {"agency": agency})


# --- 医保药品信息查询 --------------------------------------------------------------------------


@public_view
@require_GET
@public_page_cached(Scope.CATALOG, seconds=PAGE_CACHE_SECONDS)
def drug_list(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request,
        form=DrugQueryForm(request.GET or None),
        rows=selectors.drug_list,
        template="catalog/drug_list.html",
    )


@public_view
@require_GET
@public_page_cached(Scope.CATALOG, seconds=PAGE_CACHE_SECONDS)
def drug_detail(request: HttpRequest, code: str) -> HttpResponse:
    drug = selectors.drug_get(code=code)
    if drug is None:
        raise Http404
    return render(request, "catalog/drug_detail.html", {"drug": drug})


# --- 医保服务设施与诊疗目录查询 ----------------------------------------------------------------


@public_view
@require_GET
@public_page_cached(Scope.CATALOG, seconds=PAGE_CACHE_SECONDS)
def service_item_list(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request,
        form=ServiceItemQueryForm(request.GET or None),
        rows=selectors.service_item_list,
        template="catalog/service_item_list.html",
    )


@public_view
@require_GET
@public_page_cached(Scope.CATALOG, seconds=PAGE_CACHE_SECONDS)
def service_item_detail(request: HttpRequest, admdvs: str, code: str) -> HttpResponse:
    item = selectors.service_item_get(admdvs=admdvs, code=code)
    if item is None:
        raise Http404
    return render(request, "catalog/service_item_detail.html", {"item": item})
