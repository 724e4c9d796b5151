"""The site's old addresses, each redirecting to where its page lives now.

Printed QR codes, messages, bookmarks and old copies of the README name them. Each redirect keeps
the path's parameters and the query string. Pages answer 301; what is only ever POSTed (the
machine feed, logout, the actions of forms) answers 308, so the client repeats its request, body
included, at the new address. A redirect shows nothing: the page it leads to checks who may see
it, so every one is public. The routes have no names: nothing links to an old address.

Mounted at "" after every current route in config/urls.py, so no current path can be shadowed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import URLPattern, path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView

from yibao.core.guards import public_view


class MethodKeepingRedirectView(RedirectView):
    """308 Permanent Redirect: the client sends the same method and body to the new address."""

    permanent = True
    query_string = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponsePermanentRedirect(
            str(self.get_redirect_url(*args, **kwargs)), preserve_request=True
        )


def moved(route: str, pattern_name: str) -> URLPattern:
    """A page that moved: 301 to the URL named `pattern_name`, with the same parameters."""
    view = RedirectView.as_view(pattern_name=pattern_name, permanent=True, query_string=True)
    return path(route, public_view(cast(Callable[..., HttpResponse], view)))


def moved_keeping_method(route: str, pattern_name: str) -> URLPattern:
    """A POST endpoint that moved: 308. Exempt from the CSRF check, which is the new address's
    to make (a machine client sends no CSRF token; a redirect changes nothing)."""
    view = csrf_exempt(MethodKeepingRedirectView.as_view(pattern_name=pattern_name))
    return path(route, public_view(cast(Callable[..., HttpResponse], view)))


urlpatterns = [
    # entry: the ways into the hall moved under hall/, 我的消息 out of the units' prefix
    moved("login/", "entry:login"),
    moved("login/choose-unit/", "entry:choose-unit"),
    moved_keeping_method("logout/", "entry:logout"),
    moved("register/", "entry:register"),
    moved("register/operator/", "entry:register-operator"),
    moved("register/done/", "entry:register-done"),
    moved("password-recovery/", "entry:recovery"),
    moved("password-recovery/unit-uscc/", "entry:recovery-unit-uscc"),
    moved("password-recovery/unit-account/", "entry:recovery-unit-account"),
    moved("password-recovery/operator/", "entry:recovery-operator"),
    moved("password-recovery/done/", "entry:recovery-done"),
    moved("hall/unit/messages/", "entry:unit-messages"),
    moved("hall/unit/messages/<int:message_id>/", "entry:unit-message"),
    moved_keeping_method("hall/unit/messages/read-all/", "entry:unit-messages-read-all"),
    # operators: 单位经办人 and the operator's service list under hall/operators/
    moved("hall/unit/operators/", "operators:list"),
    moved("hall/unit/operators/add/", "operators:add"),
    moved_keeping_method("hall/unit/operators/add/confirm/", "operators:add-confirm"),
    moved("hall/unit/operators/<int:binding_id>/grants/", "operators:grants"),
    moved("hall/unit/operators/<int:binding_id>/reset-password/", "operators:reset-password"),
    moved("hall/unit/operators/<int:binding_id>/unbind/", "operators:unbind"),
    moved("hall/services/", "operators:services"),
    moved("hall/services/<slug:item_code>/", "operators:item"),
    moved_keeping_method("hall/population/", "operators:population-switch"),
    # enrollment: 职工参保登记 under the enrollment prefix
    moved("hall/enroll/", "enrollment:enroll"),
    moved("hall/enroll/batch/", "enrollment:enroll-batch"),
    moved("hall/enroll/batch/template/", "enrollment:enroll-batch-template"),
    moved("hall/enroll/batch/<int:batch_id>/", "enrollment:enroll-batch-detail"),
    moved("hall/enroll/batch/<int:batch_id>/failures/", "enrollment:enroll-batch-failures"),
    # changes: 职工参保(关键)信息变更 leave the enrollment prefix for hall/changes/
    moved("hall/enrollment/key-info-change/", "changes:employee-key-info-change"),
    moved("hall/enrollment/key-info-change/<int:person_id>/", "changes:employee-key-info-change-person"),
    moved("hall/enrollment/info-change/", "changes:employee-info-change"),
    moved("hall/enrollment/info-change/<int:person_id>/", "changes:employee-info-change-person"),
    # queries: hall/query/ is hall/queries/
    moved("hall/query/unit/", "queries:unit-basic-info"),
    moved("hall/query/unit-insurance/", "queries:unit-insurance-info"),
    moved("hall/query/person/", "queries:person-basic-info"),
    moved("hall/query/person-insurance/", "queries:person-insurance-info"),
    moved("hall/query/remote-care-filings/", "queries:remote-care-filings"),
    moved("hall/query/roster/", "queries:roster"),
    moved("hall/query/roster/export/", "queries:roster-export"),
    moved("hall/query/personnel-changes/", "queries:personnel-changes"),
    # machine API
    moved_keeping_method("internal/api/contributions/", "contributions-api:feed"),
]
