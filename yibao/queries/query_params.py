"""The 查询条件 of 职工花名册查询 and 异地就医备案信息查询 read from a query string: the page reads
its request's, an export job the one its request validated (yibao.queries.export_kinds). A
证件号码 never travels in one: the pages turn it into person ids (`psn`) first."""

from __future__ import annotations

from django.forms import Form
from django.http import QueryDict

from yibao.filings.selectors import FilingFilters
from yibao.queries.forms import FilingQueryForm, RosterQueryForm
from yibao.queries.roster import RosterFilters

ROSTER_FILTERS = ("name", "psn_type", "status", "insutype", "start", "end")
FILING_FILTERS = ("name", "kind", "care_division_0", "care_division_1", "status", "start", "end")
ROSTER_PERSON = "psn"  # person ids found by a posted 证件号码
BAD_PERSON_FILTER = "查询条件无效，请重新输入证件号码查询"


def query_pairs(query: QueryDict, names: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(name, value) for name in names for value in query.getlist(name) if value.strip()]


def person_filter(query: QueryDict) -> tuple[int, ...] | None:
    values = query.getlist(ROSTER_PERSON)
    if not values:
        return None
    ids = tuple(int(v) for v in values)  # ValueError for anything but ids
    if any(not 0 <= i < 2**63 for i in ids):
        raise ValueError("not an id")
    return ids


def _checked(form: Form, query: QueryDict) -> tuple[bool, tuple[int, ...] | None]:
    """Whether the bound form and the person filter are valid (the errors put on the form), and
    the person ids of the filter."""
    try:
        person_ids = person_filter(query)
    except ValueError:
        form.is_valid()
        form.add_error(None, BAD_PERSON_FILTER)
        return False, None
    if form.is_bound and not form.is_valid():
        return False, None
    return True, person_ids


def roster_filters(query: QueryDict) -> tuple[RosterQueryForm, RosterFilters | None]:
    """The form bound to the query string, and the filters when they are all valid."""
    bound = any(name in query for name in (*ROSTER_FILTERS, ROSTER_PERSON))
    form = RosterQueryForm(query if bound else None)
    valid, person_ids = _checked(form, query)
    if not valid:
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    return form, RosterFilters(
        name=data.get("name", ""),
        person_ids=person_ids,
        psn_type=data.get("psn_type", ""),
        status=data.get("status", ""),
        insutype=data.get("insutype", ""),
        start=data.get("start"),
        end=data.get("end"),
    )


def filing_filters(query: QueryDict) -> tuple[FilingQueryForm, FilingFilters | None]:
    """The form bound to the query string (a 证件号码 there is ignored: it is only ever posted),
    and the filters when they are all valid."""
    bound = any(name in query for name in (*FILING_FILTERS, ROSTER_PERSON))
    data = query.copy()
    data.pop("cert_no", None)
    form = FilingQueryForm(data if bound else None)
    valid, person_ids = _checked(form, query)
    if not valid:
        return form, None
    clean = form.cleaned_data if form.is_bound else {}
    return form, FilingFilters(
        person_ids=person_ids,
        name=clean.get("name", ""),
        kind=clean.get("kind", ""),
        care_division=clean.get("care_division"),
        status=clean.get("status", ""),
        start=clean.get("start"),
        end=clean.get("end"),
    )
