"""单位缴费信息查询 (with 缴费明细导出) and 个人缴费信息查询 in the operator hall (Henan 004 查询服务).

Every read is scoped to request.unit and narrowed to the operator's current 管理人群."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yibao.accounts.guards import hall_user
from yibao.contributions.exports import DETAIL_EXPORT, TOO_MANY_ROWS
from yibao.contributions.forms import (
    MAX_MONTHS,
    RANGE_HINT,
    PersonContributionQueryForm,
    UnitContributionQueryForm,
)
from yibao.contributions.models import Contribution
from yibao.contributions.periods import period_text
from yibao.contributions.selectors import (
    PersonQuery,
    month_totals,
    person_contribution_rows,
    person_contribution_totals,
    query_persons,
    query_persons_of_unit,
    unit_contribution_months,
)
from yibao.contributions.services import person_contributions_viewed
from yibao.core.audit import RequestOrigin
from yibao.core.db_routing import replica_reads
from yibao.core.errors import ApplicationError
from yibao.core.reference import code_choices
from yibao.core.spreadsheets.streaming import MAX_ROWS
from yibao.enrollment.scope import population_hint, population_switch_asked
from yibao.exports.services import SUBMITTED, export_job_create
from yibao.operators.access import GrantedRequest, grant_required, identity_display, population_psn_types

UNIT_ITEM = "unit-contributions"
PERSON_ITEM = "person-contributions"
UNIT_FILTERS = ("start", "end", "insutype")
PAGE_SIZE = 20


def _psn_types(request: GrantedRequest) -> tuple[str, ...] | None:
    return population_psn_types(request, request.binding)


def _labels() -> dict[str, dict[str, str]]:
    return {
        "insutypes": dict(code_choices("insutype", include_inactive=True)),
        "arrivals": dict(Contribution.Arrival.choices),
    }


def _unit_form(request: HttpRequest) -> UnitContributionQueryForm:
    bound = any(name in request.GET for name in UNIT_FILTERS)
    return UnitContributionQueryForm(request.GET if bound else None, today=timezone.localdate())


def _range_query(start: int, end: int, insutype: str) -> str:
    """The query string of 单位缴费信息查询 for this range (and 险种)."""
    query = {"start": period_text(start), "end": period_text(end)}
    if insutype:
        query["insutype"] = insutype
    return urlencode(query)


@grant_required(UNIT_ITEM)
@replica_reads
def unit_contributions(request: GrantedRequest) -> HttpResponse:
    """单位缴费信息查询: per month and 险种, with a 合计 line."""
    form = _unit_form(request)
    context: dict[str, Any] = {"form": form, "range_hint": RANGE_HINT, **_labels()}
    if not form.is_bound or form.is_valid():
        start, end = form.range()
        insutype = form.cleaned_data.get("insutype", "") if form.is_bound else ""
        rows = unit_contribution_months(
            unit=request.unit,
            start=start,
            end=end,
            insutype=insutype,
            psn_types=_psn_types(request),
        )
        context.update(
            rows=rows,
            totals=month_totals(rows),
            range_text=f"{period_text(start)} 至 {period_text(end)}",
            export_query=_range_query(start, end, insutype),
        )
    return render(request, "contributions/unit.html", context)


@grant_required(UNIT_ITEM)
def unit_contributions_export(request: GrantedRequest) -> HttpResponse:
    """缴费明细导出 (posted): the per-person detail of the range as an xlsx the worker builds (ID
    numbers as the operator may see them); a plain visit goes back to the query."""
    if request.method != "POST":
        return redirect(f"{reverse('contributions:unit')}?{request.GET.urlencode()}")
    form = _unit_form(request)
    if form.is_bound and not form.is_valid():
        context = {"form": form, "range_hint": RANGE_HINT, **_labels()}
        return render(request, "contributions/unit.html", context, status=400)
    start, end = form.range()
    insutype = form.cleaned_data.get("insutype", "") if form.is_bound else ""
    unit, psn_types = request.unit, _psn_types(request)
    # One sheet holds at most MAX_ROWS rows; the summary says how many the range has (one query),
    # so a range too large is refused at once rather than by the worker.
    months = unit_contribution_months(unit=unit, start=start, end=end, insutype=insutype, psn_types=psn_types)
    if sum(row.persons for row in months) >= MAX_ROWS:
        messages.error(request, TOO_MANY_ROWS)
        return redirect(f"{reverse('contributions:unit')}?{request.GET.urlencode()}")
    try:
        export_job_create(
            actor=hall_user(request), unit=unit, kind=DETAIL_EXPORT,
            filters={"start": start, "end": end, "insutype": insutype,
                     "query": _range_query(start, end, insutype)},  # for 导出记录's 返回查询
            psn_types=psn_types, full_identity=identity_display(request).full,
            download_name=f"缴费明细_{unit.emp_no}_{start}-{end}.xlsx", origin=RequestOrigin.from_request(request),
        )  # fmt: skip
    except ApplicationError as refused:  # the same export, or too many, pending
        messages.warning(request, refused.message)
    else:
        messages.success(request, SUBMITTED)
    return redirect("exports:list", item_code=UNIT_ITEM)


@grant_required(PERSON_ITEM)
@replica_reads
def person_contributions(request: GrantedRequest) -> HttpResponse:
    """个人缴费信息查询: the search is POSTed so ID numbers never appear in addresses; the page
    buttons submit the same form again."""
    today = timezone.localdate()
    switched = population_switch_asked(request)
    form = PersonContributionQueryForm(request.POST if request.method == "POST" else None, today=today)
    context: dict[str, Any] = {
        "switched": switched,
        "form": form,
        "range_hint": RANGE_HINT,
        "max_months": MAX_MONTHS,
        "identity": identity_display(request),
        **_labels(),
    }
    if form.is_bound and form.is_valid():
        start, end = form.range()
        data = form.cleaned_data
        query = PersonQuery(
            cert_type=data["cert_type"] if data["cert_no"] else "",
            cert_no=data["cert_no"],
            name=data["name"],
            start=start,
            end=end,
            insutype=data["insutype"],
            arrival=data["arrival"],
        )
        rows = person_contribution_rows(unit=request.unit, query=query, psn_types=_psn_types(request))
        totals = person_contribution_totals(rows)
        paginator = Paginator(rows, PAGE_SIZE)
        paginator.__dict__["count"] = totals["rows"]  # known from the totals query: no second count
        page = paginator.get_page(request.POST.get("page"))
        person_contributions_viewed(
            actor=hall_user(request),
            unit=request.unit,
            persons=[row.person for row in page.object_list],
            months=(start, end),
            origin=RequestOrigin.from_request(request),
        )
        range_text = f"{period_text(start)} 至 {period_text(end)}"
        context.update(page_obj=page, totals=totals, range_text=range_text)
        if not totals["rows"]:
            context.update(_why_empty(request, query, range_text))
    return render(request, "contributions/person.html", context)


PERSON_NOT_OF_UNIT = "未查询到该人员在本单位的信息，请核对证件类型、证件号码或姓名（仅可查询本单位职工）"


def _why_empty(request: GrantedRequest, query: PersonQuery, range_text: str) -> dict[str, Any]:
    """Why 个人缴费信息查询 found nothing: the unit's employee has no contributions in the range
    (a new one has none until the first month is assessed), or the person is in another of the
    operator's 管理人群 (offer the switch), or is not the unit's."""
    if query_persons_of_unit(unit=request.unit, query=query, psn_types=_psn_types(request)):
        return {
            "empty_message": f"该职工在{range_text}暂无符合条件的缴费记录。缴费记录由医保经办机构按月核定征收后生成，"
            "新参保职工须待首个费款所属期核定后方可查询，请调整查询时间范围或稍后再查"
        }
    hint = population_hint(request, query_persons(query))
    return {"population_hint": hint, "empty_message": hint.message if hint else PERSON_NOT_OF_UNIT}
