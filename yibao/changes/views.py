"""The operator's 信息变更 pages: 单位参保关键/非关键信息变更 and 职工参保关键/非关键信息变更.

One algorithm serves the four: find the record (the unit itself; a person of the unit by
证件号码 first), show its current values, take the editable (pencil) fields, save the draft
through the service, then go on in the shared workspace (打印报表, 附件上传, 保存); a type that
takes neither a printed form nor materials is submitted at once (保存). Reads go through
selectors and `access_person`, writes through the services.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from yibao.accounts.guards import hall_user
from yibao.cases import services as case_services
from yibao.cases.models import Application
from yibao.cases.selectors import application_outcome, display_value, open_application
from yibao.changes.forms import PersonSearchForm
from yibao.changes.kinds import InfoChange
from yibao.changes.person_types import EMPLOYEE_INFO_CHANGE, EMPLOYEE_KEY_INFO_CHANGE
from yibao.changes.services import info_change_draft_save
from yibao.changes.unit_types import UNIT_INFO_CHANGE, UNIT_KEY_INFO_CHANGE
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.core.forms import add_application_error
from yibao.enrollment.access import access_person
from yibao.enrollment.scope import person_scope
from yibao.enrollment.selectors import person_in_unit_by_cert_no
from yibao.operators.access import GrantedRequest, grant_required

NOT_FOUND = "未查询到该人员在本单位的参保信息，请核对证件号码"


def _change_page(
    request: GrantedRequest, kind: InfoChange, subject: dict[str, str] | None = None
) -> HttpResponse:
    """The record's values; only those with the pencil icon can change. 下一步 (print, stamp,
    upload, save in the workspace) or 保存 (applied as the type is configured)."""
    assert kind.form is not None  # noqa: S101 - every information change declares its form
    unit = request.unit
    origin = RequestOrigin.from_request(request)
    current = kind.current_values(unit, subject)
    pending = open_application(unit, kind, subject=subject)
    draft = pending.payload if pending else {}
    kept = [name for name in kind.kept if name in kind.editable_fields]
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
    # The manual's steps: a type with a printed form or materials goes on in the workspace (打印,
    # 上传材料, 保存); one with neither is submitted by the form's 保存 (职工参保非关键信息变更).
    direct = not kind.printed_form and not kind.materials
    key = request.POST.get("submit_key", "")
    done = Application.objects.filter(submit_key=key, unit=unit).first() if key else None
    if done is not None:  # the same form sent twice: show what the first one made
        return redirect("cases:edit", application_id=done.pk)
    if request.method == "POST" and form.is_valid():
        try:
            application = info_change_draft_save(
                kind=kind,
                unit=unit,
                actor=hall_user(request),
                values=form.cleaned_data,
                subject=subject,
                scope=person_scope(request),
                application=pending,
                origin=origin,
            )
            if direct:
                application = case_services.application_submit(
                    application=application, actor=hall_user(request), submit_key=key or None, origin=origin
                )
                messages.success(request, application_outcome(application))
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
        "changes/change_form.html",
        {
            "kind": kind,
            "form": form,
            "read_only": read_only,
            "pending": pending,
            "kept": kept,
            "direct_submit": direct,
            "submit_key": secrets.token_urlsafe(18),
        },
    )


def _person_search(request: GrantedRequest, kind: InfoChange) -> HttpResponse:
    """输入身份证号，点击【查询】: the person's form page, or why not."""
    form = PersonSearchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        person = person_in_unit_by_cert_no(person_scope(request), form.cleaned_data["cert_no"])
        if person is not None:
            return redirect(kind.subject_page, person_id=person.pk)
        form.add_error("cert_no", NOT_FOUND)
    return render(request, "changes/person_search.html", {"kind": kind, "form": form})


def _person_change(request: GrantedRequest, kind: InfoChange, person_id: int) -> HttpResponse:
    person = access_person(person_scope(request), person_id)
    return _change_page(request, kind, {"person": str(person.pk)})


@grant_required(UNIT_INFO_CHANGE.item_code)
def unit_info_change(request: GrantedRequest) -> HttpResponse:
    """单位参保非关键信息变更."""
    return _change_page(request, UNIT_INFO_CHANGE)


@grant_required(UNIT_KEY_INFO_CHANGE.item_code)
def unit_key_info_change(request: GrantedRequest) -> HttpResponse:
    """单位参保关键信息变更."""
    return _change_page(request, UNIT_KEY_INFO_CHANGE)


@grant_required(EMPLOYEE_KEY_INFO_CHANGE.item_code)
def employee_key_info_change(request: GrantedRequest) -> HttpResponse:
    """职工参保关键信息变更: 输入身份证号，点击【查询】."""
    return _person_search(request, EMPLOYEE_KEY_INFO_CHANGE)


@grant_required(EMPLOYEE_KEY_INFO_CHANGE.item_code)
def employee_key_info_change_person(request: GrantedRequest, person_id: int) -> HttpResponse:
    return _person_change(request, EMPLOYEE_KEY_INFO_CHANGE, person_id)


@grant_required(EMPLOYEE_INFO_CHANGE.item_code)
def employee_info_change(request: GrantedRequest) -> HttpResponse:
    """职工参保非关键信息变更: 输入身份证号，点击【查询】."""
    return _person_search(request, EMPLOYEE_INFO_CHANGE)


@grant_required(EMPLOYEE_INFO_CHANGE.item_code)
def employee_info_change_person(request: GrantedRequest, person_id: int) -> HttpResponse:
    return _person_change(request, EMPLOYEE_INFO_CHANGE, person_id)
