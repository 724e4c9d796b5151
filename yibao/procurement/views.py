"""招采企业业务办理 → 访问招采系统 (Beijing manual 002): the page says where the operator goes and
why it may be unavailable; 进入招采系统 posts here, and the answer is a form that carries the
signed token to the procurement system by POST (sent at once by a script module, or by its
button without JavaScript). POST, not a redirect: a token in a URL would stay in the browser's
history, the servers' logs and Referer headers."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from yibao.accounts.guards import hall_user
from yibao.core.audit import RequestOrigin
from yibao.core.errors import ApplicationError
from yibao.operators.access import GrantedRequest, grant_required
from yibao.procurement.services import NOT_CONFIGURED, procurement_handoff_issue, procurement_target

ITEM = "procurement-system"


@grant_required(ITEM)
def handoff(request: GrantedRequest) -> HttpResponse:
    """访问招采系统: 进入招采系统, or why it is not available."""
    target = procurement_target()
    return render(
        request,
        "procurement/handoff.html",
        {"target": target, "unavailable": NOT_CONFIGURED if target is None else ""},
    )


@require_POST
@never_cache
@grant_required(ITEM)
def go(request: GrantedRequest) -> HttpResponse:
    """进入招采系统: a fresh token, carried across by the page's form."""
    try:
        ticket = procurement_handoff_issue(
            binding=request.binding, actor=hall_user(request), origin=RequestOrigin.from_request(request)
        )
    except ApplicationError as error:
        return render(
            request, "procurement/handoff.html", {"target": None, "unavailable": error.message}, status=503
        )
    response = render(request, "procurement/go.html", {"ticket": ticket})
    response._csp_update = {"form-action": [ticket.target.origin]}  # type: ignore[attr-defined]
    response["Cache-Control"] = "no-store"
    return response
