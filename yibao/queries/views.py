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
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yibao.accounts.guards import hall_user
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.db_routing import replica_reads
from yibao.core.forms import is_refresh, without_errors
from yibao.core.spreadsheets.streaming import MAX_ROWS, XlsxStreamError
from yibao.enrollment.models import Person
from yibao.enrollment.scope import person_scope, population_hint, population_switch_asked
from yibao.enrollment.selectors import persons_with_cert
from yibao.filings.selectors import FilingFilters, person_current_filings, unit_filings
from yibao.operators.access import GrantedRequest, grant_required, identity_display, population_psn_types
from yibao.queries.filing_query import filing_export_rows, filing_rows, filings_xlsx
from yibao.queries.forms import ChangeQueryForm, FilingQueryForm, PersonLookupForm, RosterQueryForm
from yibao.queries.roster import (
    RosterFilters,
    persons_by_cert_no,
    roster_export_rows,
    roster_person_ids,
    roster_rows,
)
from yibao.queries.roster_export import roster_xlsx
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
from yibao.queries.services import FILINGS_EXPORTED, person_view_record, query_export_record

PAGE_SIZE = 20
PERSON_NOT_FOUND = "未查询到该人员在本单位的信息，请核对证件类型和证件号码"
ROSTER_FILTERS = ("name", "psn_type", "status", "insutype", "start", "end")
ROSTER_PERSON = "psn"  # person ids found by a posted 证件号码
BAD_PERSON_FILTER = "查询条件无效，请重新输入证件号码查询"
CHANGE_FILTERS = ("kind", "start", "end")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _psn_types(request: GrantedRequest) -> PsnTypes:
    return population_psn_types(request, request.binding)


def _query(request: GrantedRequest, names: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(name, value) for name in names for value in request.GET.getlist(name) if value.strip()]


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


FILING_FILTERS = ("name", "kind", "care_division_0", "care_division_1", "status", "start", "end")
FILINGS_TOO_LARGE = f"导出的备案超过Excel单个工作表的上限（{MAX_ROWS - 1:,}行），请增加查询条件后分次导出"


def _filing_filters(request: GrantedRequest) -> tuple[FilingQueryForm, FilingFilters | None]:
    """The form bound to the query string (a 证件号码 there is ignored: it is only ever posted),
    and the filters when they are all valid."""
    bound = any(name in request.GET for name in (*FILING_FILTERS, ROSTER_PERSON))
    data = request.GET.copy()
    data.pop("cert_no", None)
    form = FilingQueryForm(data if bound else None)
    try:
        person_ids = _person_filter(request)
    except ValueError:
        form.is_valid()
        form.add_error(None, BAD_PERSON_FILTER)
        return form, None
    if form.is_bound and not form.is_valid():
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
@replica_reads
def remote_care_filings_export(request: GrantedRequest) -> HttpResponse:
    """导出: the filings of the same query string as an .xlsx (numbers as the operator may see
    them), audited."""
    form, filters = _filing_filters(request)
    if filters is None:
        return _filings_page(request, {"form": form}, status=400)
    identity = identity_display(request)
    rows = filing_export_rows(unit_filings(person_scope(request), filters), identity)
    try:
        workbook = filings_xlsx(rows)
    except XlsxStreamError:  # more filings than one sheet holds
        messages.error(request, FILINGS_TOO_LARGE)
        return redirect(f"{reverse('queries:remote-care-filings')}?{request.GET.urlencode()}")
    query_export_record(
        actor=hall_user(request), unit=request.unit, action=FILINGS_EXPORTED,
        filters=dict(_query(request, (*FILING_FILTERS, ROSTER_PERSON))), full_identity=identity.full,
        origin=RequestOrigin.from_request(request),
    )  # fmt: skip
    response: HttpResponse = FileResponse(  # type: ignore[assignment]
        workbook,
        as_attachment=True,
        filename=f"异地就医备案信息_{timezone.localdate():%Y%m%d}.xlsx",
        content_type=XLSX,
    )
    return response


# --- 职工花名册查询 ----------------------------------------------------------------------------


def _person_filter(request: HttpRequest) -> tuple[int, ...] | None:
    values = request.GET.getlist(ROSTER_PERSON)
    if not values:
        return None
    ids = tuple(int(v) for v in values)  # ValueError for anything but ids
    if any(not 0 <= i < 2**63 for i in ids):
        raise ValueError("not an id")
    return ids


def _roster_filters(request: HttpRequest) -> tuple[RosterQueryForm, RosterFilters | None]:
    """The form bound to the query string, and the filters when they are all valid."""
    bound = any(name in request.GET for name in (*ROSTER_FILTERS, ROSTER_PERSON))
    form = RosterQueryForm(request.GET if bound else None)
    try:
        person_ids = _person_filter(request)
    except ValueError:
        form.is_valid()
        form.add_error(None, BAD_PERSON_FILTER)
        return form, None
    if form.is_bound and not form.is_valid():
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


ROSTER_TOO_LARGE = f"导出人数超过Excel单个工作表的上限（{MAX_ROWS - 1:,}行），请增加查询条件后分次导出"


@grant_required("roster")
@replica_reads
def roster_export(request: GrantedRequest) -> HttpResponse:
    """导出: the roster of the same query string as an .xlsx (ID numbers masked)."""
    form, filters = _roster_filters(request)
    if filters is None:
        return render(request, "queries/roster.html", {"form": form, "page_obj": None}, status=400)
    unit = request.unit
    identity = identity_display(request)
    rows = roster_export_rows(unit=unit, psn_types=_psn_types(request), filters=filters, identity=identity)
    try:
        workbook = roster_xlsx(rows)
    except XlsxStreamError:  # more persons than one sheet holds
        messages.error(request, ROSTER_TOO_LARGE)
        return redirect(f"{reverse('queries:roster')}?{request.GET.urlencode()}")
    audit_event_record(
        actor=hall_user(request), action="roster_exported", unit=unit,
        after={"filters": dict(_query(request, (*ROSTER_FILTERS, ROSTER_PERSON))), "full_identity": identity.full},
        origin=RequestOrigin.from_request(request),
    )  # fmt: skip
    name = f"职工花名册_{timezone.localdate():%Y%m%d}.xlsx"
    response: HttpResponse = FileResponse(  # type: ignore[assignment]
        workbook,
        as_attachment=True,
        filename=name,
        content_type=XLSX,
    )
    return response


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
