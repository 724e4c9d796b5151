"""经办机构工作台: the queue of submitted applications in the reviewer's regions, the review page
(claim, then 通过 / 不通过 / 退回补正), and the 资质认证 and 角色认证 reviews.

Views read through `selectors`, reach objects through `access_*`, and change nothing themselves:
every decision is a service call, whose Chinese refusal is shown on the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yibao.accounts.models import User
from yibao.agency import selectors
from yibao.agency.access import access_licence_for_reviewer, access_role_for_reviewer
from yibao.agency.comparison import compare
from yibao.agency.forms import CertificationDecisionForm, DecisionForm, PersonSearchForm, QueueFilterForm
from yibao.cases import services as cases
from yibao.cases.access import access_application_for_reviewer, access_material
from yibao.cases.models import Application, Status
from yibao.cases.reviewers import reviewer_prefixes
from yibao.cases.selectors import LineCells, application_lines
from yibao.cases.types import ApplicationType, application_type
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.core.file_responses import IMAGE_TYPES, PDF, pdf_page_response, pdf_preview, uploaded_file_response
from yibao.core.forms import add_application_error
from yibao.core.guards import staff_required
from yibao.core.masking import mask_phone
from yibao.units import services as units

PAGE_SIZE = 20
PERSONS_PAGE_SIZE = 20
MOBILE = re.compile(r"1[3-9]\d{9}")


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


# --- 工作台首页 -------------------------------------------------------------------------------


@staff_required
def workbench(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    regions = selectors.reviewer_regions(user)
    counts = selectors.pending_counts(user) if regions else []
    return render(
        request,
        "agency/workbench.html",
        {
            "regions": regions,
            "counts": counts,
            "total": sum(c.count for c in counts),
            "mine": selectors.claimed_by_me_count(user),
            "licences": selectors.pending_licences(user).count() if regions else 0,
            "roles": selectors.pending_roles(user).count() if regions else 0,
            "nav": "workbench",
        },
    )


# --- 审核队列 ---------------------------------------------------------------------------------


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    regions = selectors.region_choices(user)
    data = request.GET.copy()
    data.setdefault("status", Status.SUBMITTED)  # 待审核 unless another status is chosen
    form = QueueFilterForm(data, regions=regions)
    chosen = form.chosen()
    page = Paginator(selectors.application_queue(user, chosen), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "application": application,
            "type_name": _type_name(application.type_code),
            "waiting": selectors.waiting_label(application.submitted_at, now)
            if application.status == Status.SUBMITTED
            else "—",
        }
        for application in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "agency/queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query_string": query.urlencode(),
            "has_regions": bool(regions),
            "nav": "queue",
        },
    )


def _type_name(code: str) -> str:
    try:
        return application_type(code).name
    except KeyError:
        return code


# --- 审核办件 ---------------------------------------------------------------------------------


def _actor_label(label: str) -> str:
    """Operators log in with their mobile number, which events keep as the actor's label: mask it."""
    return mask_phone(label) if MOBILE.fullmatch(label) else label or "系统"


def _pdf_pages(file: Any, url_name: str, *args: int) -> dict[str, Any]:
    """A stored PDF as the review pages draw it: the count and each drawn page's image URL."""
    preview = pdf_preview(file)
    urls = [(number, reverse(url_name, args=[*args, number])) for number in preview["pages"]]
    return {**preview, "pages": urls}


def _persons(request: HttpRequest, application: Application, kind: ApplicationType) -> dict[str, Any]:
    """A batch application's persons, a page at a time, found by name or the end of an ID number:
    what the reviewer approves, person by person (a batch holds up to YIBAO_BATCH_MAX_ROWS)."""
    form = PersonSearchForm(request.GET if "q" in request.GET else None)
    query = form.query()
    lines = application_lines(application, query=query).only("row", "data")
    page = Paginator(lines, PERSONS_PAGE_SIZE).get_page(request.GET.get("page"))
    cells = LineCells(kind.line_columns, reveal=False)
    return {
        "form": form,
        "query": query,
        "page": page,
        "rows": [(line.row, cells.row(line.data)) for line in page.object_list],
        "total": application_lines(application).count() if query else page.paginator.count,
        "columns": [spec.label for spec in kind.line_columns],
        "query_string": urlencode({"q": query}) if query else "",
    }


def _review_page(
    request: HttpRequest,
    application: Application,
    *,
    form: DecisionForm | None = None,
    claim_error: str = "",
) -> HttpResponse:
    user = _user(request)
    kind = application_type(application.type_code)
    materials = [
        {
            "material": material,
            "name": spec.name if (spec := kind.material(material.code)) else material.code,
            "is_image": material.content_type in IMAGE_TYPES,
            "pdf": _pdf_pages(material.file, "agency:material-page", application.pk, material.pk)
            if material.content_type == PDF
            else None,
            "url": reverse("agency:material", args=[application.pk, material.pk]),
            "stale": bool(spec and spec.is_stamped_form)
            and not cases.stamped_form_current(application, material),
        }
        for material in application.materials.all()
    ]
    pending = application.status == Status.SUBMITTED
    return render(
        request,
        "agency/review.html",
        {
            "application": application,
            "kind": kind,
            "fields": compare(application, kind),
            "persons": _persons(request, application, kind) if kind.line_columns else None,
            "materials": materials,
            "events": [(event, _actor_label(event.actor_label)) for event in application.events.all()],
            "pending": pending,
            "can_claim": pending and application.reviewer_id is None,
            "claimed_by_me": pending and application.reviewer_id == user.pk,
            "claimed_by_other": pending and application.reviewer_id not in (None, user.pk),
            "waiting": selectors.waiting_label(application.submitted_at) if pending else "",
            "form": form or DecisionForm(),
            "claim_error": claim_error,
            "nav": "queue",
        },
    )


@staff_required
def review(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_application_for_reviewer(_user(request), application_id)
    return _review_page(request, application)


@staff_required
@require_POST
def claim(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_application_for_reviewer(_user(request), application_id)
    try:
        cases.application_claim(
            application=application, reviewer=_user(request), origin=RequestOrigin.from_request(request)
        )
    except ApplicationError as error:
        application.refresh_from_db()
        return _review_page(request, application, claim_error=error.message)
    messages.success(request, f"已领取办件 {application.number}，请审核")
    return redirect("agency:review", application_id=application.pk)


DECIDED = {
    DecisionForm.APPROVE: "办件 {number} 审核通过，变更已生效，结果已通知单位",
    DecisionForm.REJECT: "办件 {number} 审核不通过，原因已通知单位",
    DecisionForm.RETURN: "办件 {number} 已退回补正，补正要求已通知单位",
}


@staff_required
@require_POST
def decide(request: HttpRequest, application_id: int) -> HttpResponse:
    user = _user(request)
    application = access_application_for_reviewer(user, application_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        opinion = form.cleaned_data["opinion"]
        origin = RequestOrigin.from_request(request)
        try:
            if decision == DecisionForm.APPROVE:
                cases.application_approve(
                    application=application, reviewer=user, opinion=opinion, origin=origin
                )
            elif decision == DecisionForm.REJECT:
                cases.application_reject(
                    application=application, reviewer=user, reason=opinion, origin=origin
                )
            else:
                cases.application_return(
                    application=application, reviewer=user, opinion=opinion, origin=origin
                )
        except ApplicationError as error:
            add_application_error(form, error)
            application.refresh_from_db()
        else:
            messages.success(request, DECIDED[decision].format(number=application.number))
            return redirect("agency:queue")
    return _review_page(request, application, form=form)


@staff_required
def material(request: HttpRequest, application_id: int, material_id: int) -> HttpResponse:
    """One uploaded material: an image inline, a PDF as a download (the review page draws it)."""
    application = access_application_for_reviewer(_user(request), application_id)
    found = access_material(application, material_id)
    return uploaded_file_response(found.file, found.content_type, f"{application.number}-{found.code}")


@staff_required
def material_page(request: HttpRequest, application_id: int, material_id: int, page: int) -> HttpResponse:
    """Page `page` of an uploaded PDF material, drawn as an image for the review page."""
    application = access_application_for_reviewer(_user(request), application_id)
    found = access_material(application, material_id)
    if found.content_type != PDF:
        raise Http404
    return pdf_page_response(found.file, page)


# --- 资质认证 and 角色认证 ----------------------------------------------------------------------

CERTIFICATION_TABS = {"licences": "资质认证", "roles": "角色认证"}


@staff_required
def certifications(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    tab = request.GET.get("tab", "licences")
    if tab not in CERTIFICATION_TABS:
        tab = "licences"
    licences = selectors.pending_licences(user)
    roles = selectors.pending_roles(user)
    listed = licences if tab == "licences" else roles
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "item": item,
            "waiting": selectors.waiting_label(
                item.created_at if tab == "licences" else item.updated_at, now
            ),
        }
        for item in page.object_list
    ]
    return render(
        request,
        "agency/certifications.html",
        {
            "tab": tab,
            "tabs": CERTIFICATION_TABS,
            "licence_count": licences.count() if tab != "licences" else page.paginator.count,
            "role_count": roles.count() if tab != "roles" else page.paginator.count,
            "page": page,
            "rows": rows,
            "query_string": f"tab={tab}",
            "has_regions": reviewer_prefixes(user) is not None,
            "nav": "certifications",
        },
    )


def _certification_decided(request: HttpRequest, *, approve: bool, what: str, tab: str) -> HttpResponse:
    verb = "审核通过" if approve else "审核不通过，原因已通知单位"
    messages.success(request, f"{what}{verb}")
    return redirect(reverse("agency:certifications") + f"?tab={tab}")


def _certification_decide(
    request: HttpRequest, form: CertificationDecisionForm, decide: Callable[..., Any]
) -> bool | None:
    """Run a posted 通过 / 不通过 through `decide` (a units review service); the decision taken,
    or None when nothing was decided (the form or the service's refusal shows why)."""
    if request.method != "POST" or not form.is_valid():
        return None
    approve = form.cleaned_data["decision"] == CertificationDecisionForm.APPROVE
    try:
        decide(
            approve=approve,
            reason=form.cleaned_data["reason"],
            reviewer=_user(request),
            origin=RequestOrigin.from_request(request),
        )
    except ApplicationError as error:
        add_application_error(form, error)
        return None
    return approve


@staff_required
def licence_review(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = access_licence_for_reviewer(_user(request), submission_id)
    form = CertificationDecisionForm(request.POST if request.method == "POST" else None)
    approve = _certification_decide(request, form, partial(units.licence_review, submission=submission))
    if approve is not None:
        return _certification_decided(
            request, approve=approve, what=f"{submission.unit.name}的资质认证", tab="licences"
        )
    if form.errors:
        submission.refresh_from_db()
    return render(
        request,
        "agency/licence_review.html",
        {
            "submission": submission,
            "unit": submission.unit,
            "form": form,
            "pending": submission.status == submission.Status.PENDING,
            "is_image": submission.content_type in IMAGE_TYPES,
            "pdf": _pdf_pages(submission.file, "agency:licence-page", submission.pk)
            if submission.content_type == PDF
            else None,
            "file_url": reverse("agency:licence-file", args=[submission.pk]),
            "waiting": selectors.waiting_label(submission.created_at),
            "nav": "certifications",
        },
    )


@staff_required
def licence_file(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The licence file of a unit in the reviewer's regions: an image inline, a PDF as a download."""
    submission = access_licence_for_reviewer(_user(request), submission_id)
    return uploaded_file_response(submission.file, submission.content_type, f"营业执照-{submission.pk}")


@staff_required
def licence_page(request: HttpRequest, submission_id: int, page: int) -> HttpResponse:
    """Page `page` of a PDF licence, drawn as an image for the review page."""
    submission = access_licence_for_reviewer(_user(request), submission_id)
    if submission.content_type != PDF:
        raise Http404
    return pdf_page_response(submission.file, page)


@staff_required
def role_review(request: HttpRequest, certification_id: int) -> HttpResponse:
    certification = access_role_for_reviewer(_user(request), certification_id)
    form = CertificationDecisionForm(request.POST if request.method == "POST" else None)
    decide = partial(units.role_certification_review, certification=certification)
    approve = _certification_decide(request, form, decide)
    if approve is not None:
        label = certification.get_role_display()
        return _certification_decided(
            request, approve=approve, what=f"{certification.unit.name}的{label}角色认证", tab="roles"
        )
    if form.errors:
        certification.refresh_from_db()
    return render(
        request,
        "agency/role_review.html",
        {
            "certification": certification,
            "unit": certification.unit,
            "form": form,
            "pending": certification.status == certification.Status.PENDING,
            "waiting": selectors.waiting_label(certification.updated_at),
            "nav": "certifications",
        },
    )
