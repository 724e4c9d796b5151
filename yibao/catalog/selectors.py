"""Reads of the public catalogues. Lists show active rows only; detail pages also show rows that
were deactivated (so that a shared link still says what it was), marked as such."""

from __future__ import annotations

from typing import TypeVar

from django.core.cache import cache
from django.db.models import Model, Q, QuerySet

from yibao.catalog.models import Agency, Drug, Institution, ServiceItem
from yibao.catalog.regions import region_index
from yibao.catalog.search import normalise_query, search_filter

M = TypeVar("M", bound=Model)

DOSAGE_FORMS_CACHE_KEY = "catalog:dosage-forms:v1"
DOSAGE_FORMS_SECONDS = 600

_INSTITUTION_LIST_FIELDS = (
    "id",
    "code",
    "fixmedins_type",
    "name",
    "uscc",
    "division_id",
    "service_type",
    "hosp_lv",
    "address",
    "hi_resper_name",
    "fix_onln_open_flag",
)


def division_code_range(code: str) -> tuple[str, str]:
    """The codes inside a division: 530000 → 530000…539999, 530100 → 530100…530199.

    Province-level codes end in 0000 and prefecture-level ones in 00, except the county-level
    units governed directly by a province (e.g. 419001 济源市), which have nothing below them.
    """
    if code.endswith("0000"):
        prefix = code[:2]
    elif code.endswith("00"):
        prefix = code[:4]
    else:
        prefix = code
    return prefix.ljust(6, "0"), prefix.ljust(6, "9")


def _searched(queryset: QuerySet[M], name: str, *order: str) -> QuerySet[M]:
    """Rows whose name matches `name`, in pinyin order; without a name, all rows in `order`.

    Matches are sorted by the search key (it starts with the pinyin initials), not by code:
    catalogue codes encode the name (a drug's code holds its class and name code), so the rows
    matching a name sit together in code order, and walking the code index to the first page
    can mean reading most of the table.
    """
    if normalise_query(name):
        return search_filter(queryset, name).order_by("search_key", *order)
    return queryset.order_by(*order)


def _in_region(queryset: QuerySet[M], admdvs: str | None) -> QuerySet[M]:
    if not admdvs:
        return queryset
    low, high = division_code_range(admdvs)
    return queryset.filter(division__gte=low, division__lte=high)


# --- institutions and pharmacies -------------------------------------------------------------


def institution_list(
    *, fixmedins_type: str, admdvs: str | None = None, hosp_lv: str = "", name: str = ""
) -> QuerySet[Institution]:
    queryset = Institution.objects.filter(fixmedins_type=fixmedins_type, is_active=True)
    queryset = _in_region(queryset, admdvs)
    if hosp_lv:
        queryset = queryset.filter(hosp_lv=hosp_lv)
    return _searched(queryset, name, "code").only(*_INSTITUTION_LIST_FIELDS)


def institution_get(*, code: str, fixmedins_type: str) -> Institution | None:
    return Institution.objects.filter(code=code, fixmedins_type=fixmedins_type).first()


# --- agencies -------------------------------------------------------------------------------------


def agency_list(*, admdvs: str | None = None, name: str = "") -> QuerySet[Agency]:
    queryset = _in_region(Agency.objects.filter(is_active=True), admdvs)
    return _searched(queryset, name, "code")


def agency_get(*, code: str) -> Agency | None:
    return Agency.objects.filter(code=code).first()


# --- drugs ----------------------------------------------------------------------------------------


def drug_list(*, name: str = "", category: str = "", dosage_form: str = "") -> QuerySet[Drug]:
    queryset = Drug.objects.filter(is_active=True)
    if category:
        queryset = queryset.filter(category=category)
    if dosage_form:
        queryset = queryset.filter(dosage_form=dosage_form)
    return _searched(queryset, name, "code")


def drug_get(*, code: str) -> Drug | None:
    return Drug.objects.filter(code=code).first()


def drug_dosage_forms() -> list[str]:
    """The dosage forms of the active drugs, for the 剂型 filter (cached)."""
    forms: list[str] | None = cache.get(DOSAGE_FORMS_CACHE_KEY)
    if forms is None:
        forms = list(
            Drug.objects.filter(is_active=True)
            .order_by("dosage_form")
            .values_list("dosage_form", flat=True)
            .distinct()
        )
        cache.set(DOSAGE_FORMS_CACHE_KEY, forms, DOSAGE_FORMS_SECONDS)
    return forms


# --- service items --------------------------------------------------------------------------------


def service_item_list(*, admdvs: str | None = None, name: str = "") -> QuerySet[ServiceItem]:
    """Items that apply in a region: those set for it or inside it, and those of the regions above
    it (a province's items apply in its cities unless a city sets its own)."""
    queryset = ServiceItem.objects.filter(is_active=True)
    if admdvs:
        above = region_index().path(admdvs)[:-1]
        low, high = division_code_range(admdvs)
        queryset = queryset.filter(Q(division__gte=low, division__lte=high) | Q(division__in=above))
    return _searched(queryset, name, "code", "division_id")


def service_item_get(*, admdvs: str, code: str) -> ServiceItem | None:
    return ServiceItem.objects.filter(division_id=admdvs, code=code).first()
