"""The operator's 打印服务 pages: 单位参保证明打印 and 个人参保证明打印; and the 备案凭证 of an
异地就医备案, printed from the filing's page.

Each shows what the certificate will say, a «预览效果» (the same document as HTML), and «打印»,
which issues the certificate (number, 验证码, audit event) and downloads its PDF. «打印备案凭证»
issues the receipt of a filing 已备案 the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yibao.accounts.guards import hall_user
from yibao.certificates.forms import PersonSearchForm
from yibao.certificates.models import Certificate
from yibao.certificates.printing import certificate_pdf, document_context
from yibao.certificates.selectors import (
    access_certificate,
    access_person_for_certificate,
    person_certificate_content,
    person_for_certificate,
    unit_certificate_content,
)
from yibao.certificates.services import certificate_issue, filing_receipt_issue
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.enrollment.models import Person
from yibao.enrollment.scope import person_scope
from yibao.filings.access import access_filing
from yibao.filings.kinds import KINDS, FilingKind
from yibao.operators.access import GrantedRequest, grant_required, population_psn_types

View = Callable[..., HttpResponse]
NOT_FOUND = "未查询到该人员在本单位的参保信息，请核对证件类型和证件号码"


def _psn_types(request: GrantedRequest) -> tuple[str, ...] | None:
    return population_psn_types(request, request.binding)


def _person(request: GrantedRequest, person_id: int) -> Person:
    return access_person_for_certificate(
        unit=request.unit, person_id=person_id, psn_types=_psn_types(request)
    )


def _pdf_response(request: HttpRequest, certificate: Certificate) -> HttpResponse:
    site = request.build_absolute_uri("/")
    response = HttpResponse(certificate_pdf(certificate, site=site), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _page(request: HttpRequest, template: str, content: dict[str, object], **extra: object) -> HttpResponse:
    return render(request, template, {**document_context(content), **extra})


# --- 单位参保证明打印 ---------------------------------------------------------------------------


@grant_required("unit-certificate")
def unit_certificate(request: GrantedRequest) -> HttpResponse:
    content = unit_certificate_content(request.unit, today=timezone.localdate())
    return _page(request, "certificates/certificate.html", content, print_url="certificates:unit-print")


@grant_required("unit-certificate")
def unit_preview(request: GrantedRequest) -> HttpResponse:
    content = unit_certificate_content(request.unit, today=timezone.localdate())
    return _page(request, "certificates/preview.html", content, print_url="certificates:unit-print")


@require_POST
@grant_required("unit-certificate")
def unit_print(request: GrantedRequest) -> HttpResponse:
    certificate = certificate_issue(
        unit=request.unit, person=None, actor=hall_user(request), origin=RequestOrigin.from_request(request)
    )
    return redirect("certificates:unit-pdf", certificate_id=certificate.pk)


@grant_required("unit-certificate")
def unit_pdf(request: GrantedRequest, certificate_id: int) -> HttpResponse:
    certificate = access_certificate(
        unit=request.unit, certificate_id=certificate_id, kind=Certificate.Kind.UNIT
    )
    return _pdf_response(request, certificate)


# --- 个人参保证明打印 ---------------------------------------------------------------------------


@grant_required("person-certificate")
def person_search(request: GrantedRequest) -> HttpResponse:
    """输入证件类型和证件号码，点击【查询】: the person's certificate page, or why not."""
    form = PersonSearchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        person = person_for_certificate(
            unit=request.unit,
            cert_type=form.cleaned_data["cert_type"],
            cert_no=form.cleaned_data["cert_no"],
            psn_types=_psn_types(request),
        )
        if person is not None:
            return redirect("certificates:person", person_id=person.pk)
        form.add_error("cert_no", NOT_FOUND)
    return render(request, "certificates/person_search.html", {"form": form})


@grant_required("person-certificate")
def person_certificate(request: GrantedRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    content = person_certificate_content(request.unit, person, today=timezone.localdate())
    return _page(
        request,
        "certificates/certificate.html",
        content,
        person=person,
        print_url="certificates:person-print",
    )


@grant_required("person-certificate")
def person_preview(request: GrantedRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    content = person_certificate_content(request.unit, person, today=timezone.localdate())
    return _page(
        request, "certificates/preview.html", content, person=person, print_url="certificates:person-print"
    )


@require_POST
@grant_required("person-certificate")
def person_print(request: GrantedRequest, person_id: int) -> HttpResponse:
    person = _person(request, person_id)
    certificate = certificate_issue(
        unit=request.unit,
        person=person,
        actor=hall_user(request),
        origin=RequestOrigin.from_request(request),
    )
    return redirect("certificates:person-pdf", certificate_id=certificate.pk)


@grant_required("person-certificate")
def person_pdf(request: GrantedRequest, certificate_id: int) -> HttpResponse:
    certificate = access_certificate(
        unit=request.unit,
        certificate_id=certificate_id,
        kind=Certificate.Kind.PERSON,
        psn_types=_psn_types(request),
    )
    return _pdf_response(request, certificate)


# --- 备案凭证 (异地就医备案) ----------------------------------------------------------------------


def _filing_receipt_print(request: GrantedRequest, spec: FilingKind, filing_id: int) -> HttpResponse:
    """«打印备案凭证» of a filing on its person's page: issue the receipt and download its PDF; a
    filing not (or no longer) 已备案 gets none, and the person's page says why."""
    filing, _held = access_filing(person_scope(request), spec, filing_id)
    try:
        receipt = filing_receipt_issue(
            filing=filing, actor=hall_user(request), origin=RequestOrigin.from_request(request)
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(f"filings:{spec.slug}-person", person_id=filing.person_id)
    return redirect(f"certificates:filing-{spec.slug}-pdf", certificate_id=receipt.pk)


def _filing_receipt_pdf(request: GrantedRequest, spec: FilingKind, certificate_id: int) -> HttpResponse:
    receipt = access_certificate(
        unit=request.unit,
        certificate_id=certificate_id,
        kind=Certificate.Kind.FILING,
        psn_types=_psn_types(request),
        filing_kind=spec.kind,
    )
    return _pdf_response(request, receipt)


def filing_receipt_views(spec: FilingKind) -> dict[str, View]:
    """The receipt's pages of one filing kind, behind that filing's business item, as its pages."""

    @require_POST
    @grant_required(spec.item_code)
    def print_receipt(request: GrantedRequest, filing_id: int) -> HttpResponse:
        return _filing_receipt_print(request, spec, filing_id)

    @grant_required(spec.item_code)
    def pdf(request: GrantedRequest, certificate_id: int) -> HttpResponse:
        return _filing_receipt_pdf(request, spec, certificate_id)

    return {"print": print_receipt, "pdf": pdf}


FILING_RECEIPT_VIEWS = {code: filing_receipt_views(spec) for code, spec in KINDS.items()}
