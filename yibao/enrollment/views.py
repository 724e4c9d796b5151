"""The operator's enrollment pages: 职工中断参保 (少量中断).

Views read through selectors and write only through the services; the application then goes on
in the shared workspace (打印报表, 附件上传, 保存)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from yibao.accounts.guards import hall_user
from yibao.cases.selectors import open_application
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.core.forms import add_application_error, without_errors
from yibao.enrollment.forms import InterruptionForm
from yibao.enrollment.interruption import employee_interruption_draft_save, person_ids_parse
from yibao.enrollment.interruption_types import EMPLOYEE_INTERRUPTION
from yibao.enrollment.models import Insurance
from yibao.enrollment.policies import interruption_window
from yibao.enrollment.scope import person_scope
from yibao.enrollment.selectors import actively_insured_ids, person_in_unit_by_cert_no, roster_rows
from yibao.operators.access import GrantedRequest, grant_required

PAGE_SIZE = 20
NOT_FOUND = "未查询到该人员在本单位的参保信息，请核对证件号码"


def _origin(request: HttpRequest) -> RequestOrigin:
    return RequestOrigin.from_request(request)


# --- 职工中断参保 ------------------------------------------------------------------------------


@grant_required("employee-interruption")
def interruption(request: GrantedRequest) -> HttpResponse:
    """少量中断: find a person by 证件号码 or tick persons of the roster, choose 中断原因 and
    中断日期, 下一步 → the workspace (打印报表, 附件上传, 保存)."""
    unit, scope = request.unit, person_scope(request)
    kind = EMPLOYEE_INTERRUPTION
    pending = open_application(unit, kind)
    goto = request.POST.get("goto", "")  # 上一页 / 下一页 inside the form: the ticks go along
    page = Paginator(actively_insured_ids(scope), PAGE_SIZE).get_page(
        goto or request.POST.get("page") or request.GET.get("page")
    )
    earliest, latest = interruption_window(timezone.localdate())
    found: list[int] = []
    search_error = ""
    if request.method == "POST":
        form = InterruptionForm(request.POST)
        valid = form.is_valid()
        selected = form.cleaned_data.get("persons", []) if valid else _ticked(request)
        if request.POST.get("action") == "search":
            person = person_in_unit_by_cert_no(
                scope, request.POST.get("cert_no", ""), statuses=(Insurance.Status.ACTIVE,)
            )
            if person is None:
                search_error = NOT_FOUND
            else:
                found = [person.pk]
            data = request.POST.copy()
            if found:  # shown masked in the list; the full number is not sent back
                data["cert_no"] = ""
            form = without_errors(InterruptionForm(data))
        elif goto:  # another page of the roster; nothing is checked or saved yet
            form = without_errors(InterruptionForm(request.POST))
        elif valid:
            try:
                application = employee_interruption_draft_save(
                    kind=kind,
                    scope=scope,
                    actor=hall_user(request),
                    person_ids=selected,
                    reason=form.cleaned_data["reason"],
                    pause_date=form.cleaned_data["pause_date"],
                    application=pending,
                    origin=_origin(request),
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                return redirect("cases:edit", application_id=application.pk)
    else:
        payload = pending.payload if pending else {}
        selected = person_ids_parse(payload.get("interrupted_persons", "")) if payload else []
        form = InterruptionForm(
            initial={
                "reason": payload.get("interruption_reason", ""),
                "pause_date": payload.get("pause_date", ""),
            }
        )
    form.fields[
        "pause_date"
    ].help_text = f"可选择{earliest:%Y-%m-%d}至{latest:%Y-%m-%d}之间的日期，且不早于参保日期"
    first = roster_rows(scope, [*found, *(i for i in selected if i not in found)])
    shown = {row.person_id for row in first}
    rows = first + [row for row in roster_rows(scope, list(page.object_list)) if row.person_id not in shown]
    return render(
        request,
        "enrollment/interruption.html",
        {
            "kind": kind,
            "form": form,
            "rows": rows,
            "selected": set(selected),
            "found": set(found),
            "page_obj": page,
            "pending": pending,
            "search_error": search_error,
        },
    )


def _ticked(request: HttpRequest) -> list[int]:
    ids: list[int] = []
    for value in request.POST.getlist("persons"):
        if value.isdigit() and int(value) < 2**63 and int(value) not in ids:
            ids.append(int(value))
    return ids
