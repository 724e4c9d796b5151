"""查询服务 of the operator hall (Henan manual 004): 单位基本信息, 单位参保信息, 个人基本信息,
个人参保信息, 异地就医备案信息, 职工花名册 and 单位人员变动.

Each page is guarded by its business item (`grant_required`) and reads through the selectors,
scoped to `request.unit` and the operator's current 管理人群. ID numbers never travel in a URL:
the personal look-ups post their 证件号码, and the roster turns a posted 证件号码 into person
ids before it redirects to its query string.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yibao.accounts.guards import hall_user
from yibao.core.audit import RequestOrigin
from yibao.core.db_routing import replica_reads
from yibao.core.errors import ApplicationError
from yibao.core.forms import is_refresh, without_errors
from yibao.enrollment.models import Person
from yibao.enrollment.scope import person_scope, population_hint, population_switch_asked
from yibao.enrollment.selectors import persons_with_cert
from yibao.exports.kinds import ExportKind
from yibao.exports.services import SUBMITTED, export_job_create
from yibao.filings.selectors import FilingFilters, person_current_filings, unit_filings
from yibao.operators.access import GrantedRequest, grant_required, identity_display, population_psn_types
from yibao.queries.export_kinds import FILINGS_EXPORT, ROSTER_EXPORT
from yibao.queries.filing_query import filing_rows
from yibao.queries.forms import ChangeQueryForm, FilingQueryForm, PersonLookupForm, RosterQueryForm
from yibao.queries.query_params import (
    FILING_FILTERS,
    ROSTER_FILTERS,
    ROSTER_PERSON,
    filing_filters,
    query_pairs,
    roster_filters,
)
from yibao.queries.roster import RosterFilters, persons_by_cert_no, roster_person_ids, roster_rows
from yibao.queries.selectors import (
    PsnTypes,
    change_detail_text,
    insutypes_text,
    person_basic_rows,
    person_insurance_rows,
    person_lookup,
    personnel_changes,
    persons_with_cert_no,
    unit_basic_rows,
    unit_insurance_rows,
)
from yibao.queries.services import person_view_record

PAGE_SIZE = 20
PERSON_NOT_FOUND = "未查询到该人员在本单位的信息，请核对证件类型和证件号码"
CHANGE_FILTERS = ("kind", "start", "end")


def _psn_types(request: GrantedRequest) -> PsnTypes:
    return population_psn_types(request, request.binding)


def _query(request: GrantedRequest, names: tuple[str, ...]) -> list[tuple[str, str]]:
    return query_pairs(request.GET, names)


def _export_start(
    request: GrantedRequest, kind: ExportKind, query: list[tuple[str, str]], name: str
) -> HttpResponse:
    """导出: the job of the query in the background; the operator waits on 导出记录 — also when
    the export is refused because the same one (or too many) is pending."""
    try:
        export_job_create(
            actor=hall_user(request), unit=request.unit, kind=kind,
            filters={"filters": dict(query), "query": urlencode(query)}, psn_types=_psn_types(request),
            full_identity=identity_display(request).full,
            download_name=f"{name}_{timezone.localdate():%Y%m%d}.xlsx", origin=RequestOrigin.from_request(request),
        )  # fmt: skip
    except ApplicationError as refused:
        messages.warning(request, refused.message)
    else:
        messages.success(request, SUBMITTED)
    return redirect("exports:list", item_code=kind.item_code)


# --- the unit's own information ------------------------------------------------------------------


@grant_required("unit-basic-info")
@replica_reads
def unit_basic_info(request: GrantedRequest) -> HttpResponse:
    """单位基本信息查询: the unit's registered information, read only."""
    return render(request, "queries/unit_basic_info.html", {"rows": unit_basic_rows(request.unit)})


@grant_required("unit-insurance-info")
@replica_reads
def unit_insurance_info(request: GrantedRequest) -> HttpResponse:
    """单位参保信息查询: per 险种 参保状态, 参保日期, 征收方式, 参保人数."""
    return render(request, "queries/unit_insurance_info.html", {"rows": unit_insurance_rows(request.unit)})


# --- one person, by 证件类型 + 证件号码 -------------------------------------------------------------


def _person_page(request: GrantedRequest, *, item_code: str, template: str) -> HttpResponse:
    unit = request.unit
    switched = population_switch_asked(request)
    psn_types = _psn_types(request)
    context: dict[str, Any] = {"person": None, "not_found": "", "switched": switched}
    if request.method == "POST":
        form = PersonLookupForm(request.POST)
        if form.is_valid():
            cert_type, cert_no = form.cleaned_data["cert_type"], form.cleaned_data["cert_no"]
            person = person_lookup(unit=unit, psn_types=psn_types, cert_type=cert_type, cert_no=cert_no)
            if person is None:
                hint = population_hint(request, persons_with_cert(cert_type, cert_no))
                context["population_hint"] = hint
                context["not_found"] = hint.message if hint else PERSON_NOT_FOUND
            else:
                person_view_record(
                    actor=hall_user(request), unit=unit, person=person, item_code=item_code,
                    origin=RequestOrigin.from_request(request),
                )  # fmt: skip
                context["person"] = person
                context["basic"] = person_basic_rows(person, identity_display(request))
                context["insurances"] = person_insurance_rows(unit=unit, psn_types=psn_types, person=person)
                if item_code == "person-insurance-info":
                    current = person_current_filings(unit.pk, person.pk, timezone.localdate())
                    context["filings"] = filing_rows(current, identity_display(request))
                # The full number is not sent back; the result shows it masked.
                form = PersonLookupForm(initial={"cert_type": form.cleaned_data["cert_type"]})
    else:
        form = PersonLookupForm()
    context["form"] = form
    context["identity"] = identity_display(request)
    return render(request, template, context)


@grant_required("person-basic-info")
@replica_reads
def person_basic_info(request: GrantedRequest) -> HttpResponse:
    """个人基本信息查询: 录入证件类型、证件号码，点击“查询”按钮，查询职工信息."""
    return _person_page(request, item_code="person-basic-info", template="queries/person_basic_info.html")


@grant_required("person-insurance-info")
@replica_reads
def person_insurance_info(request: GrantedRequest) -> HttpResponse:
    """个人参保信息查询: the person's insurance relations with this unit per 险种."""
    return _person_page(
        request, item_code="person-insurance-info", template="queries/person_insurance_info.html"
    )


# --- 异地就医备案信息查询 ------------------------------------------------------------------------


def _filing_filters(request: GrantedRequest) -> tuple[FilingQueryForm, FilingFilters | None]:
    return filing_filters(request.GET)


def _filing_params(form: FilingQueryForm) -> list[tuple[str, str]]:
    """The query string of a valid posted query (证件号码 aside), in the order of FILING_FILTERS."""
    data = form.cleaned_data
    values = {name: str(data[name]) for name in ("name", "kind", "status") if data.get(name)}
    values |= {name: data[name].isoformat() for name in ("start", "end") if data.get(name)}
    if data.get("care_division"):
        chosen = form.fields["care_division"].widget.decompress(data["care_division"])
        values |= {f"care_division_{i}": code for i, code in enumerate(chosen[:2]) if code}
    return [(name, values[name]) for name in FILING_FILTERS if name in values]


def _filings_page(request: GrantedRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    query = _query(request, (*FILING_FILTERS, ROSTER_PERSON))
    context.setdefault("page_obj", None)
    context.update(
        query_string=urlencode(query),
        by_cert_no=ROSTER_PERSON in request.GET,
        without_cert_no=urlencode([(k, v) for k, v in query if k != ROSTER_PERSON]),
    )
    return render(request, "queries/remote_care_filings.html", context, status=status)


@grant_required("remote-care-filings")
@replica_reads
def remote_care_filings(request: GrantedRequest) -> HttpResponse:
    """异地就医备案信息查询: 根据查询条件，查询职工异地备案信息 — the unit's filings of persons in
    the operator's 管理人群, every version and status, newest first. The query is posted and
    redirected to its query string; a 证件号码 becomes the ids of the persons it finds (each
    look-up audited), so it never appears in an address."""
    switched = population_switch_asked(request)
    scope = person_scope(request)
    if request.method != "POST":
        form, filters = _filing_filters(request)
        context: dict[str, Any] = {"form": form}
        if filters is not None:
            page = Paginator(unit_filings(scope, filters).select_related("application"), PAGE_SIZE).get_page(
                request.GET.get("page")
            )
            page.rows = filing_rows(page.object_list, identity_display(request))  # type: ignore[attr-defined]
            context["page_obj"] = page
        return _filings_page(request, context)
    form = FilingQueryForm(request.POST)
    if is_refresh(request.POST):  # the region picker's 选择 without JavaScript
        form.is_valid()
        return _filings_page(request, {"form": without_errors(form)})
    if not form.is_valid():
        return _filings_page(request, {"form": form})
    params = _filing_params(form)
    cert_no = form.cleaned_data["cert_no"]
    if cert_no:
        found = persons_by_cert_no(unit=scope.unit, psn_types=scope.psn_types, cert_no=cert_no)
        if not found:
            hint = population_hint(request, persons_with_cert_no(cert_no))
            if hint is not None:
                return _filings_page(request, {"form": form, "population_hint": hint})
        for person in Person.objects.filter(pk__in=found).order_by("pk"):
            person_view_record(
                actor=hall_user(request), unit=scope.unit, person=person, item_code="remote-care-filings",
                origin=RequestOrigin.from_request(request),
            )  # fmt: skip
        # 0 is no person's id: a number not found in the unit gives an empty result.
        params += [(ROSTER_PERSON, str(i)) for i in found] or [(ROSTER_PERSON, "0")]
    if switched is not None:
        messages.success(request, f"已切换管理人群为「{switched.name}」")
    return redirect(f"{request.path}?{urlencode(params)}" if params else request.path)


@grant_required("remote-care-filings")
def remote_care_filings_export(request: GrantedRequest) -> HttpResponse:
    """导出 (posted): the filings of the same query string, as an .xlsx the worker builds (numbers
    as the operator may see them); a plain visit goes back to the query."""
    if request.method != "POST":
        return redirect(f"{reverse('queries:remote-care-filings')}?{request.GET.urlencode()}")
    form, filters = _filing_filters(request)
    if filters is None:
        return _filings_page(request, {"form": form}, status=400)
    return _export_start(
        request, FILINGS_EXPORT, _query(request, (*FILING_FILTERS, ROSTER_PERSON)), "异地就医备案信息"
    )


# --- 职工花名册查询 ----------------------------------------------------------------------------


def _roster_filters(request: GrantedRequest) -> tuple[RosterQueryForm, RosterFilters | None]:
    return roster_filters(request.GET)


@grant_required("roster")
@replica_reads
def roster(request: GrantedRequest) -> HttpResponse:
    """职工花名册查询: 根据查询条件，查询职工信息; 导出 the whole result as .xlsx."""
    unit = request.unit
    psn_types = _psn_types(request)
    page = None
    if request.method == "POST":
        form = RosterQueryForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            params = [(name, str(data[name])) for name in ROSTER_FILTERS if data.get(name)]
            if data["cert_no"]:
                found = persons_by_cert_no(unit=unit, psn_types=psn_types, cert_no=data["cert_no"])
                # 0 is no person's id: a number not found in the unit gives an empty result.
                params += [(ROSTER_PERSON, str(i)) for i in found] or [(ROSTER_PERSON, "0")]
            return redirect(f"{request.path}?{urlencode(params or [('status', '')])}")
    else:
        form, filters = _roster_filters(request)
        if filters is not None:
            ids = roster_person_ids(unit=unit, psn_types=psn_types, filters=filters)
            page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
            page.rows = roster_rows(  # type: ignore[attr-defined]
                unit=unit, psn_types=psn_types, person_ids=list(page.object_list),
                identity=identity_display(request),
            )  # fmt: skip
    query = _query(request, (*ROSTER_FILTERS, ROSTER_PERSON))
    return render(
        request,
        "queries/roster.html",
        {
            "form": form,
            "page_obj": page,
            "query_string": urlencode(query),
            "by_cert_no": ROSTER_PERSON in request.GET,
            "without_cert_no": urlencode([(k, v) for k, v in query if k != ROSTER_PERSON]),
        },
    )


@grant_required("roster")
def roster_export(request: GrantedRequest) -> HttpResponse:
    """导出 (posted): the roster of the same query string, as an .xlsx the worker builds (ID
    numbers as the operator may see them); a plain visit goes back to the query."""
    if request.method != "POST":
        return redirect(f"{reverse('queries:roster')}?{request.GET.urlencode()}")
    form, filters = _roster_filters(request)
    if filters is None:
        return render(request, "queries/roster.html", {"form": form, "page_obj": None}, status=400)
    return _export_start(
        request, ROSTER_EXPORT, _query(request, (*ROSTER_FILTERS, ROSTER_PERSON)), "职工花名册"
    )


# --- 单位人员变动查询 --------------------------------------------------------------------------


@grant_required("personnel-changes")
@replica_reads
def personnel_change_list(request: GrantedRequest) -> HttpResponse:
    """单位人员变动查询: 根据查询条件，查询职工变动记录 (增员, 减员, 变更)."""
    form = ChangeQueryForm(request.GET if any(name in request.GET for name in CHANGE_FILTERS) else None)
    page = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        changes = personnel_changes(
            unit=request.unit, psn_types=_psn_types(request), kind=data.get("kind", ""),
            start=data.get("start"), end=data.get("end"),
        )  # fmt: skip
        page = Paginator(changes, PAGE_SIZE).get_page(request.GET.get("page"))
        for change in page.object_list:
            change.insutypes_label = insutypes_text(change.insutypes)
            change.detail_text = change_detail_text(change)
    return render(
        request,
        "queries/personnel_changes.html",
        {
            "form": form,
            "page_obj": page,
            "query_string": urlencode(_query(request, CHANGE_FILTERS)),
            "identity": identity_display(request),
        },
    )
