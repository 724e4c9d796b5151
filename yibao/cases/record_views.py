"""办件记录查询 (Henan 004) with 待审核业务 / 已审核业务 (Yunnan 001 §1.4): the operator's list of
the unit's applications, one application's detail (timeline, changes, materials, opinion) and
撤回 before review and 删除 of a draft. Reads through selectors, writes through the services."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from yibao.accounts.guards import hall_user
from yibao.cases.access import RECORDS_ITEM, access_application_for_operator
from yibao.cases.forms import RANGE_HINT, RecordQueryForm, WithdrawForm
from yibao.cases.models import Application, Status
from yibao.cases.selectors import (
    REVIEWED,
    TAB_ALL,
    TABS,
    application_change_rows,
    application_events,
    application_materials,
    application_records,
    application_withdrawable,
    delete_refusal,
    withdraw_refusal,
)
from yibao.cases.services import application_delete, application_withdraw
from yibao.cases.types import application_type, type_name
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.operators.access import GrantedRequest, grant_required
from yibao.operators.grants import items_in_force
from yibao.operators.session import OperatorRequest, operator_required

PAGE_SIZE = 20
WITHDRAW_QUESTION = "您确定要撤回该办件吗？"
WITHDRAW_CONSEQUENCE = (
    "撤回后，医保经办机构将不再审核该办件，办件回到草稿状态：您可以修改后重新提交，也可以删除。"
)
WITHDRAWN = "撤回成功，办件已回到草稿状态，可修改后重新提交"
DELETE_QUESTION = "您确定要删除该办件吗？"
DELETE_CONSEQUENCE = "删除后不能恢复，办件记录中保留其办理过程；如需办理，请重新申报。"
DELETED = "删除成功"
FILTERS = ("type_code", "start", "end", "status")


def _query(request: HttpRequest, names: tuple[str, ...]) -> str:
    return urlencode([(name, request.GET[name]) for name in names if request.GET.get(name, "").strip()])


@grant_required(RECORDS_ITEM)
def record_list(request: GrantedRequest) -> HttpResponse:
    """办件记录查询: all of the unit's applications, newest first, by tab and filters."""
    tabs = dict(TABS)
    tab = request.GET.get("tab", TAB_ALL)
    tab = tab if tab in tabs else TAB_ALL
    form = RecordQueryForm(request.GET if any(name in request.GET for name in FILTERS) else None)
    page = None
    if not form.is_bound or form.is_valid():
        filters = form.filters() if form.is_bound else {}
        rows = application_records(unit=request.unit, tab=tab, **filters)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        for app in page.object_list:
            app.type_label = type_name(app.type_code)
    filter_query = _query(request, FILTERS)
    return render(
        request,
        "cases/records/list.html",
        {
            "form": form,
            "range_hint": RANGE_HINT,
            "tab": tab,
            "tabs": [
                (code, label, "?" + urlencode([("tab", code)]) + (f"&{filter_query}" if filter_query else ""))
                for code, label in TABS
            ],
            "tab_label": tabs[tab],
            "page_obj": page,
            "query_string": _query(request, ("tab", *FILTERS)),
            "draft": Status.DRAFT,
            "returned": Status.RETURNED,
        },
    )


def _detail_context(request: OperatorRequest, application: Application) -> dict[str, object]:
    kind = application_type(application.type_code)
    may_transact = kind.item_code in items_in_force(user=hall_user(request), unit_id=request.unit.pk)
    return {
        "application": application,
        "type_label": kind.name,
        "rows": application_change_rows(application),
        "changes_record": kind.changes_record,
        "events": application_events(application),
        "materials": application_materials(application),
        "decided": application.status in REVIEWED and application.decided_at is not None,
        "may_withdraw": may_transact and application_withdrawable(application),
        "may_delete": may_transact and not delete_refusal(application),
        "may_correct": may_transact and application.status in {Status.RETURNED, Status.DRAFT},
    }


@operator_required
def record_detail(request: OperatorRequest, application_id: int) -> HttpResponse:
    """One application: what it changes, its materials, its history and the agency's opinion."""
    application = access_application_for_operator(request, application_id)
    return render(request, "cases/records/detail.html", _detail_context(request, application))


def _confirmed_step(
    request: OperatorRequest,
    application_id: int,
    *,
    action: str,
    step: Callable[..., None],
    refusal: Callable[[Application], str],
    question: str,
    consequence: str,
    done: str,
) -> HttpResponse:
    """A confirmation page, then the service on POST (which decides; `refusal` only explains)."""
    application = access_application_for_operator(request, application_id)
    if request.method == "POST" and WithdrawForm(request.POST).is_valid():
        try:
            step(
                application=application, actor=hall_user(request), origin=RequestOrigin.from_request(request)
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
        return redirect("cases:detail", application_id=application.pk)
    return render(
        request,
        "cases/records/confirm.html",
        {
            "application": application,
            "action": action,
            "type_label": type_name(application.type_code),
            "question": question,
            "consequence": consequence,
            "refusal": refusal(application),
            "form": WithdrawForm(),
        },
    )


@operator_required
def record_withdraw(request: OperatorRequest, application_id: int) -> HttpResponse:
    """撤回: back to 草稿 (refused once a reviewer has taken it up)."""
    return _confirmed_step(
        request, application_id, action="撤回", step=application_withdraw, refusal=withdraw_refusal,
        question=WITHDRAW_QUESTION, consequence=WITHDRAW_CONSEQUENCE, done=WITHDRAWN,
    )  # fmt: skip


@operator_required
def record_delete(request: OperatorRequest, application_id: int) -> HttpResponse:
    """删除: a draft not yet submitted."""
    return _confirmed_step(
        request, application_id, action="删除", step=application_delete, refusal=delete_refusal,
        question=DELETE_QUESTION, consequence=DELETE_CONSEQUENCE, done=DELETED,
    )  # fmt: skip
