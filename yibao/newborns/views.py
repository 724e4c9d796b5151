"""婴幼儿备案 (Beijing manual 002, 医疗机构业务办理): the hospital's form, then 下一步 to the shared
workspace (上传出生医学证明, 保存 to submit); below it, the hospital's filings with their status and
the ones not submitted yet. Guarded by the business item's grant (a unit certified 医疗机构)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from yibao.accounts.guards import hall_user
from yibao.cases import services as case_services
from yibao.cases.access import access_application_for_operator
from yibao.cases.models import Application
from yibao.cases.selectors import display_value
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.core.forms import add_application_error, is_refresh, without_errors
from yibao.newborns import selectors
from yibao.newborns.codes import INFANT_FILING
from yibao.newborns.forms import CHILD_FIELDS, GUARDIAN_FIELDS, NewbornPageForm
from yibao.newborns.services import newborn_draft_save
from yibao.operators.access import GrantedRequest, grant_required

# ID and phone numbers never go into the page in full: when correcting, left empty, the one
# entered before stays.
KEPT = ("cert_no", "guardian_cert_no", "guardian_phone")
PAGE_SIZE = 10


def _editing(request: GrantedRequest) -> Application | None:
    """The application named by ?application= (a draft or a returned one of this hospital)."""
    raw = request.GET.get("application", "")
    if not raw:
        return None
    application = access_application_for_operator(request, int(raw) if raw.isdigit() else 0)
    if application.type_code != INFANT_FILING or application.status not in case_services.EDITABLE_BY_OPERATOR:
        raise Http404
    return application


@grant_required(INFANT_FILING)
def filing(request: GrantedRequest) -> HttpResponse:
    """填写婴幼儿信息和监护人信息 → 下一步."""
    editing = _editing(request)
    known: dict[str, Any] = dict(editing.payload) if editing is not None else {}
    kept = [name for name in KEPT if known.get(name)]
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None:
        for name in kept:
            if not str(data.get(name, "")).strip():
                data[name] = known[name]
    initial = {k: v for k, v in known.items() if k not in kept}
    form = NewbornPageForm(data, initial=initial)
    for name in kept:
        form.fields[name].required = False
        shown = display_value(name, known[name])
        form.fields[name].help_text = f"当前：{shown}。如需修改请输入新的号码，不修改请留空"
    if data is not None and is_refresh(data):
        form = without_errors(form)  # the region picker's 选择 without JavaScript
    elif data is not None and form.is_valid():
        try:
            application = newborn_draft_save(
                unit=request.unit,
                actor=hall_user(request),
                values=form.cleaned_data,
                application=editing,
                origin=RequestOrigin.from_request(request),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("cases:edit", application_id=application.pk)
    page = Paginator(selectors.unit_infant_filings(request.unit), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "newborns/filing.html",
        {
            "form": form,
            "child_fields": [form[name] for name in CHILD_FIELDS],
            "guardian_fields": [form[name] for name in GUARDIAN_FIELDS],
            "editing": editing,
            "drafts": selectors.unit_infant_drafts(request.unit),
            "page": page,
        },
    )
