"""参保证明查验: the public page (no login) that tells whether a printed certificate is genuine."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yibao.certificates.error_codes import CertificateErrorCode
from yibao.certificates.forms import VerifyForm
from yibao.certificates.services import VerifiedCertificate, certificate_verify
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.core.guards import public_view

TOO_MANY_REQUESTS = 429


@public_view
def check(request: HttpRequest) -> HttpResponse:
    """The form posts 证明编号 and 验证码 (CSRF); the QR code's link is a GET carrying both,
    which fills the form in and checks at once."""
    if request.method == "POST":
        form = VerifyForm(request.POST)
    elif "number" in request.GET or "code" in request.GET:
        form = VerifyForm(request.GET)
    else:
        form = VerifyForm()
    result: VerifiedCertificate | None = None
    status = 200
    retry_after = 0
    if form.is_bound and form.is_valid():
        try:
            result = certificate_verify(
                number=form.cleaned_data["number"],
                code=form.cleaned_data["code"],
                origin=RequestOrigin.from_request(request),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            if error.code == CertificateErrorCode.LIMITED:
                status = TOO_MANY_REQUESTS
                retry_after = int(error.extra["retry_after"])
    response = render(request, "certificates/verify.html", {"form": form, "result": result}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response
