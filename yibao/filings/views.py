"""The four 备案 pages of the operator hall (Henan manual 004, 经办服务 17–20): 输入证件号码查询
the person; the person's filings and the new filing's form (填写所需数据); 下一步 to the shared
workspace (上传材料, 点击“保存”进行业务提交). 变更备案 and 取消备案 of a filing in force go
through the same review. Each page is guarded by its business item's grant.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from yibao.accounts.guards import hall_user
from yibao.cases import services as case_services
from yibao.cases.models import Application
from yibao.cases.selectors import application_outcome, display_value
from yibao.cases.types import application_type
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.core.forms import add_application_error, is_refresh, without_errors
from yibao.core.profiles import get_profile
from yibao.enrollment.models import Insurance
from yibao.enrollment.scope import person_scope
from yibao.filings import selectors
from yibao.filings.access import access_filing, access_filing_person
from yibao.filings.forms import PersonSearchForm
from yibao.filings.kinds import COMMITMENT_TEXT, KINDS, FilingKind
from yibao.filings.models import Filing
from yibao.filings.rules import PERSON_NOT_FOUND
from yibao.filings.services import CANCEL, CHANGE, NEW, filing_draft_save, filing_values
from yibao.filings.types import FilingType, filing_type
from yibao.operators.access import GrantedRequest, grant_required

View = Callable[..., HttpResponse]
KEPT = ("phone", "agent_cert_no", "agent_phone")


def _search(request: GrantedRequest, spec: FilingKind) -> HttpResponse:
    """输入证件号码，点击【查询】: the person's page, or «not found» (for anyone not 正常参保 in
    this unit and the operator's 管理人群 alike)."""
    form = PersonSearchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        person = selectors.person_in_force_by_cert_no(
            person_scope(request), form.cleaned_data["cert_no"], timezone.localdate()
        )
        if person is not None:
            return redirect(f"filings:{spec.slug}-person", person_id=person.pk)
        form.add_error("cert_no", PERSON_NOT_FOUND)
    return render(request, "filings/search.html", {"spec": spec, "form": form})


def _page_form(kind: FilingType, data: Any, initial: dict[str, Any]) -> forms.Form:
    assert kind.page_form is not None  # noqa: S101 - every filing type has its page's form
    form = kind.page_form(data, initial=initial)
    if "commitment" in form.fields and not get_profile().filing_commitment:
        del form.fields["commitment"]  # the province does not take the 告知承诺书
    return form


def _blocking(request: GrantedRequest, kind: FilingType, payload: dict[str, Any]) -> Application | None:
    """The person's open 备案 application if it is not this one to go on with (another type or
    filing, or with the agency): the page says so and offers no form."""
    holder = selectors.open_filing_application(request.unit.pk, kind.open_key(payload))
    if holder is None:
        return None
    same = holder.type_code == kind.code and all(
        str(holder.payload.get(n, "")) == str(payload.get(n, "")) for n in kind.subject
    )
    return None if same and holder.status in case_services.EDITABLE_BY_OPERATOR else holder


def _form_page(
    request: GrantedRequest,
    kind: FilingType,
    held: list[Insurance],
    *,
    filing: Filing | None = None,
    template: str,
) -> HttpResponse:
    """The form of one action (new, change, cancel) for one person (and filing): save the draft
    and go on in the workspace; 取消备案 (no material) is submitted by its 保存."""
    spec = kind.spec
    assert spec is not None  # noqa: S101 - every filing type names its kind
    person = held[0].person
    subject = {"person": str(person.pk), **({"filing": str(filing.pk)} if filing else {})}
    blocking = _blocking(request, kind, subject)
    holder = selectors.open_filing_application(request.unit.pk, kind.open_key(subject))
    draft = holder.payload if holder is not None and blocking is None else {}
    known = {**(filing_values(filing) if filing is not None else {}), **draft}
    # ID and phone numbers never go into the page in full: left empty, the one known stays.
    kept = [name for name in KEPT if known.get(name)]
    initial: dict[str, Any] = {
        "insutype": held[0].insutype,
        "network": Filing.Network.DIRECT,
        "start_date": timezone.localdate().isoformat(),
    }
    initial.update({k: v for k, v in known.items() if k not in kind.subject and k not in kept})
    direct = kind.action == CANCEL
    key = request.POST.get("submit_key", "")
    done = Application.objects.filter(submit_key=key, unit=request.unit).first() if key else None
    if done is not None:  # the same form sent twice: show what the first one made
        return redirect("cases:edit", application_id=done.pk)
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None:
        for name in kept:
            if not str(data.get(name, "")).strip():
                data[name] = known[name]
    form = _page_form(kind, data, initial)
    for name in kept:
        if name in form.fields:
            form.fields[name].required = False
            shown = display_value(name, known[name])
            form.fields[name].help_text = f"当前：{shown}。如需修改请输入新的号码，不修改请留空"
    if data is not None and is_refresh(data):
        form = without_errors(form)  # the region picker's 选择 without JavaScript
    elif data is not None and blocking is None and form.is_valid():
        origin = RequestOrigin.from_request(request)
        try:
            application = filing_draft_save(
                kind=kind,
                unit=request.unit,
                actor=hall_user(request),
                scope=person_scope(request),
                person_id=person.pk,
                filing_id=filing.pk if filing else None,
                values=form.cleaned_data,
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
    filings = list(selectors.person_filings(request.unit.pk, person.pk))
    return render(
        request,
        template,
        {
            "spec": spec,
            "kind": kind,
            "form": form,
            "person": selectors.person_summary(held),
            "person_id": person.pk,
            "filings": [(f, selectors.filing_place(f)) for f in filings],
            "filing": filing,
            "filing_place": selectors.filing_place(filing) if filing else "",
            "blocking": blocking,
            "blocking_name": application_type(blocking.type_code).name if blocking else "",
            "commitment_text": COMMITMENT_TEXT,
            "direct_submit": direct,
            "submit_key": secrets.token_urlsafe(18),
            "NEW": NEW,
        },
    )


def _new(request: GrantedRequest, spec: FilingKind, person_id: int) -> HttpResponse:
    held = access_filing_person(person_scope(request), person_id)
    return _form_page(request, filing_type(spec.kind, NEW), held, template="filings/person.html")


def _change(request: GrantedRequest, spec: FilingKind, filing_id: int) -> HttpResponse:
    filing, held = access_filing(person_scope(request), spec, filing_id)
    return _form_page(
        request, filing_type(spec.kind, CHANGE), held, filing=filing, template="filings/change.html"
    )


def _cancel(request: GrantedRequest, spec: FilingKind, filing_id: int) -> HttpResponse:
    filing, held = access_filing(person_scope(request), spec, filing_id)
    return _form_page(
        request, filing_type(spec.kind, CANCEL), held, filing=filing, template="filings/change.html"
    )


def kind_views(spec: FilingKind) -> dict[str, View]:
    """The pages of one filing, each behind its business item's grant."""

    @grant_required(spec.item_code)
    def search(request: GrantedRequest) -> HttpResponse:
        return _search(request, spec)

    @grant_required(spec.item_code)
    def new(request: GrantedRequest, person_id: int) -> HttpResponse:
        return _new(request, spec, person_id)

    @grant_required(spec.item_code)
    def change(request: GrantedRequest, filing_id: int) -> HttpResponse:
        return _change(request, spec, filing_id)

    @grant_required(spec.item_code)
    def cancel(request: GrantedRequest, filing_id: int) -> HttpResponse:
        return _cancel(request, spec, filing_id)

    return {"search": search, "new": new, "change": change, "cancel": cancel}


KIND_VIEWS = {code: kind_views(spec) for code, spec in KINDS.items()}
