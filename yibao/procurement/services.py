"""访问招采系统: whether the hand-off is configured, and the hand-off itself (a signed token for the
operator at the unit, audited)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from yibao.accounts.models import User
from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.errors import ApplicationError
from yibao.operators.models import Binding
from yibao.procurement.error_codes import ProcurementErrorCode
from yibao.procurement.tokens import HandOff, token_issue

NOT_CONFIGURED = (
    "本网厅尚未配置招采系统的访问地址和对接密钥，暂时无法从这里进入招采系统。"
    "请通过医药集中采购平台的官方入口登录，或联系医保经办机构。"
)


@dataclass(frozen=True)
class Target:
    url: str
    origin: str  # scheme://host[:port], allowed as the page's form-action


def procurement_target() -> Target | None:
    """The configured procurement system (an http(s) URL and a signing key), or None."""
    url = str(settings.YIBAO_PROCUREMENT_URL or "").strip()
    if not url or not settings.YIBAO_PROCUREMENT_SIGNING_KEY:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return Target(url=url, origin=f"{parts.scheme}://{parts.netloc}")


@dataclass(frozen=True)
class Ticket:
    target: Target
    token: str
    expires_at: int


def procurement_handoff_issue(
    *, binding: Binding, actor: User, origin: RequestOrigin | None = None
) -> Ticket:
    """A token handing the operator of `binding` over to the procurement system, audited with
    its jti and expiry (never the token itself). The caller has checked the grant."""
    target = procurement_target()
    if target is None:
        raise ApplicationError(ProcurementErrorCode.NOT_CONFIGURED, NOT_CONFIGURED)
    unit = binding.unit
    token, claims = token_issue(
        HandOff(uscc=unit.uscc, unit_name=unit.name, operator_id=str(binding.operator_id)),
        key=settings.YIBAO_PROCUREMENT_SIGNING_KEY.encode(),
        lifetime=int(settings.YIBAO_PROCUREMENT_TOKEN_SECONDS),
    )
    with transaction.atomic():
        audit_event_record(
            actor=actor,
            action="procurement_handoff",
            unit=unit,
            target=binding,
            after={"to": target.origin, "jti": claims["jti"], "iat": claims["iat"], "exp": claims["exp"]},
            origin=origin,
        )
    return Ticket(target=target, token=token, expires_at=claims["exp"])
