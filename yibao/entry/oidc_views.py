"""统一身份认证平台登录: the button of the login page and the provider's way back."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.core.guards import public_view
from yibao.entry.authentication import LoginKind
from yibao.entry.error_codes import OidcErrorCode
from yibao.entry.oidc import oidc_authorization_start, oidc_next_take, oidc_offered, platform_name
from yibao.entry.oidc_login import oidc_login_complete
from yibao.entry.registration_views import registration_start_verified
from yibao.entry.views import _logged_in, oidc_form_allow


def _refused(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    """One page for every refusal: what happened, and the ways to go on."""
    response = render(
        request,
        "entry/login_oidc_refused.html",
        {"message": error.message, "platform": platform_name(), "offered": oidc_offered()},
        status=503 if error.code is OidcErrorCode.UNAVAILABLE else 200,
    )
    oidc_form_allow(response)
    return response


@public_view
@require_POST
@never_cache
def login_oidc(request: HttpRequest) -> HttpResponse:
    """«…统一身份认证平台登录»: off to the platform's login page."""
    origin = RequestOrigin.from_request(request)
    target = str(request.POST.get("next", ""))
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    try:
        return oidc_authorization_start(
            request,
            redirect_uri=request.build_absolute_uri(reverse("entry:login-oidc-callback")),
            next_url=target,
        )
    except ApplicationError as error:
        audit_event_record(
            actor=None, action="oidc_login_refused", after={"code": str(error.code)}, origin=origin
        )
        return _refused(request, error)


@public_view
@require_GET
@never_cache
def login_oidc_callback(request: HttpRequest) -> HttpResponse:
    """The platform sends the user back here: log the unit admin in, or begin 单位注册 with the
    verified 单位名称 and 统一社会信用代码."""
    origin = RequestOrigin.from_request(request)
    target = oidc_next_take(request.session)
    try:
        outcome = oidc_login_complete(request, origin=origin)
    except ApplicationError as error:
        return _refused(request, error)
    if outcome.verified is not None:
        audit_event_record(
            actor=None,
            action="oidc_registration_started",
            after={
                "issuer": outcome.claims.issuer,
                "subject": outcome.claims.subject,
                "uscc": outcome.claims.uscc,
            },
            origin=origin,
        )
        return registration_start_verified(request, outcome.verified)
    assert outcome.user is not None  # noqa: S101 - an outcome is a login or a registration
    detail = {"via": "oidc", "issuer": outcome.claims.issuer, "subject": outcome.claims.subject}
    return _logged_in(
        request,
        outcome.user,
        kind=LoginKind.UNIT,
        origin=origin,
        detail=detail,
        action="oidc_login",
        target=target,
    )
