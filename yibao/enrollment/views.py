"""The operator's enrollment pages: 职工中断参保 (少量中断) and 职工参保关键/非关键信息变更.

Views read through selectors and `access_person`, and write only through the services; the
application then goes on in the shared workspace (打印报表, 附件上传, 保存)."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from yibao.accounts.guards import hall_user
from yibao.cases import services as case_services
from yibao.cases.hall_views import open_application
from yibao.cases.models import Application, Status
from yibao.cases.selectors import display_value
from yibao.cases.types import ApplicationType
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.core.forms import add_application_error, without_errors
from yibao.enrollment.access import access_person
from yibao.enrollment.changes import EMPLOYEE_INFO_CHANGE, EMPLOYEE_INTERRUPTION, EMPLOYEE_KEY_INFO_CHANGE
from yibao.enrollment.forms import InterruptionForm, PersonSearchForm
from yibao.enrollment.interruption import employee_interruption_draft_save, person_ids_parse
from yibao.enrollment.models import Insurance
from yibao.enrollment.person_info import person_change_draft_save
from yibao.enrollment.policies import interruption_window
from yibao.enrollment.selectors import actively_insured_ids, person_in_unit_by_cert_no, roster_rows
from yibao.operators.access import grant_required
from yibao.units.models import Unit

PAGE_SIZE = 20
NOT_FOUND = "未查询到该人员在本单位的参保信息，请核对证件号码"
# Values never put into a page in full: left empty, the current value stays (like the unit's).
KEPT_WHEN_EMPTY = ("mobile",)


def _unit(request: HttpRequest) -> Unit:
    return request.unit  # type: ignore[attr-defined]


def _origin(request: HttpRequest) -> RequestOrigin:
    return RequestOrigin.from_request(request)


def _outcome(kind: ApplicationType, application: Application) -> str:
    if application.status == Status.APPROVED:
        return f"{kind.name}提交成功，变更已生效"
    return f"{kind.name}已提交，请等待医保经办机构审核"


# --- 职工中断参保 ------------------------------------------------------------------------------


@grant_required("employee-interruption")
def interruption(request: HttpRequest) -> HttpResponse:
    """少量中断: find a person by 证件号码 or tick persons of the roster, choose 中断原因 and
    中断日期, 下一步 → the workspace (打印报表, 附件上传, 保存)."""
    unit = _unit(request)
    kind = EMPLOYEE_INTERRUPTION
    pending = open_application(unit, kind)
    goto = request.POST.get("goto", "")  # 上一页 / 下一页 inside the form: the ticks go along
    page = Paginator(actively_insured_ids(unit), PAGE_SIZE).get_page(
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
                unit, request.POST.get("cert_no", ""), statuses=(Insurance.Status.ACTIVE,)
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
                    unit=unit,
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
    first = roster_rows(unit, [*found, *(i for i in selected if i not in found)])
    shown = {row.person_id for row in first}
    rows = first + [row for row in roster_rows(unit, list(page.object_list)) if row.person_id not in shown]
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


# --- 职工参保关键信息变更 / 非关键信息变更 ------------------------------------------------------


def _person_search(request: HttpRequest, kind: ApplicationType, form_page: str) -> HttpResponse:
    """输入身份证号，点击【查询】: the person's form page, or why not."""
    unit = _unit(request)
    form = PersonSearchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        person = person_in_unit_by_cert_no(unit, form.cleaned_data["cert_no"])
        if person is not None:
            return redirect(form_page, person_id=person.pk)
        form.add_error("cert_no", NOT_FOUND)
    return render(request, "enrollment/person_search.html", {"kind": kind, "form": form})


def _open_for_person(unit: Unit, kind: ApplicationType, person_id: int) -> Application | None:
    return (
        Application.objects.filter(
            unit=unit,
            type_code=kind.code,
            status__in=[Status.DRAFT, Status.RETURNED],
            payload__person=str(person_id),
        )
        .order_by("-created_at")
        .first()
    )


def _person_form(
    request: HttpRequest, kind: ApplicationType, person_id: int, search_page: str
) -> HttpResponse:
    """The person's fields; only those with the pencil icon can change. 下一步 (key: print,
    stamp, upload, save in the workspace) or 保存 (non-key: applied as configured)."""
    assert kind.form is not None  # noqa: S101 - both person types declare their form
    unit = _unit(request)
    person = access_person(unit, person_id)
    current = kind.current_values(unit, {"person": str(person.pk)})
    pending = _open_for_person(unit, kind, person.pk)
    draft = pending.payload if pending else {}
    kept = [name for name in KEPT_WHEN_EMPTY if name in kind.editable_fields]
    initial = {k: v for k, v in {**current, **draft}.items() if k not in kept}
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        for name in kept:
            if not str(data.get(name, "")).strip():
                data[name] = draft.get(name) or current.get(name, "")
    form = kind.form(data, initial=initial)
    for name in kept:
        shown = display_value(name, current.get(name, "")) or "无"
        form.fields[name].help_text = f"当前：{shown}。如需变更请输入新的号码，不变更请留空"
    direct = not kind.printed_form and not kind.materials_required
    key = request.POST.get("submit_key", "")
    done = Application.objects.filter(submit_key=key, unit=unit).first() if key else None
    if done is not None:  # the same form sent twice: show what the first one made
        return redirect("cases:edit", application_id=done.pk)
    if request.method == "POST" and form.is_valid():
        values: dict[str, Any] = {name: form.cleaned_data[name] for name in kind.editable_fields}
        try:
            application = person_change_draft_save(
                kind=kind,
                unit=unit,
                actor=hall_user(request),
                person=person,
                values=values,
                application=pending,
                origin=_origin(request),
            )
            if direct:
                application = case_services.application_submit(
                    application=application,
                    actor=hall_user(request),
                    submit_key=key or None,
                    origin=_origin(request),
                )
                messages.success(request, _outcome(kind, application))
            return redirect("cases:edit", application_id=application.pk)
        except ApplicationError as error:
            add_application_error(form, error)
    read_only = [
        (f.label, display_value(f.name, current.get(f.name, "")) or "—")
        for f in kind.fields
        if not f.editable
    ]
    return render(
        request,
        "enrollment/person_change.html",
        {
            "kind": kind,
            "form": form,
            "read_only": read_only,
            "pending": pending,
            "kept": kept,
            "direct_submit": direct,
            "submit_key": secrets.token_urlsafe(18),
            "search_page": search_page,
        },
    )


@grant_required("employee-key-info-change")
def key_info_change(request: HttpRequest) -> HttpResponse:
    """职工参保关键信息变更: 输入身份证号，点击【查询】."""
    return _person_search(request, EMPLOYEE_KEY_INFO_CHANGE, "enrollment:key-info-change-person")


@grant_required("employee-key-info-change")
def key_info_change_person(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_form(request, EMPLOYEE_KEY_INFO_CHANGE, person_id, "enrollment:key-info-change")


@grant_required("employee-info-change")
def info_change(request: HttpRequest) -> HttpResponse:
    """职工参保非关键信息变更: 输入身份证号，点击【查询】."""
    return _person_search(request, EMPLOYEE_INFO_CHANGE, "enrollment:info-change-person")


@grant_required("employee-info-change")
def info_change_person(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_form(request, EMPLOYEE_INFO_CHANGE, person_id, "enrollment:info-change")
