"""A unit identity verified before registration: by the unit's CA certificate (数字证书注册) or by
the 统一身份认证平台 (a legal-person login). Registration then starts with 单位名称 and
统一社会信用代码 filled from it and locked (Beijing manual 002 §二), and the registration service
checks that what it stores is what was verified.

The identity lives in the session between the verification and the end of the wizard only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from django.contrib.sessions.backends.base import SessionBase

from yibao.pki.verification import CertificateIdentity

SESSION_KEY = "yibao_registration_verified"


class VerifiedSource(StrEnum):
    CA = "ca"  # 数字证书
    OIDC = "oidc"  # 统一身份认证平台


SOURCE_LABELS = {
    VerifiedSource.CA: "已由数字证书验证，不可修改",
    VerifiedSource.OIDC: "已由统一身份认证平台验证，不可修改",
}


@dataclass(frozen=True, kw_only=True)
class VerifiedUnit:
    source: VerifiedSource
    name: str
    uscc: str
    # What identifies the proof: the certificate (serial, issuer, fingerprint) or the identity
    # (issuer, subject). Recorded with the registration; never personal data beyond that.
    reference: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return SOURCE_LABELS[self.source]


def verified_unit_keep(session: SessionBase, unit: VerifiedUnit) -> None:
    """Start a registration from a verified identity (what an earlier one typed is dropped)."""
    session[SESSION_KEY] = {
        "source": str(unit.source),
        "name": unit.name,
        "uscc": unit.uscc,
        "reference": dict(unit.reference),
    }


def verified_unit(session: SessionBase) -> VerifiedUnit | None:
    kept = session.get(SESSION_KEY)
    if not isinstance(kept, dict):
        return None
    try:
        return VerifiedUnit(
            source=VerifiedSource(kept["source"]),
            name=str(kept["name"]),
            uscc=str(kept["uscc"]),
            reference={str(k): str(v) for k, v in dict(kept.get("reference", {})).items()},
        )
    except (KeyError, ValueError, TypeError):
        return None


def verified_unit_forget(session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)


def certificate_reference(identity: CertificateIdentity) -> dict[str, str]:
    """What a VerifiedUnit of source CA keeps of the certificate: enough to bind it when the
    registration finishes (and to audit it)."""
    return {
        "serial": identity.serial,
        "issuer": identity.issuer,
        "subject": identity.subject,
        "fingerprint": identity.fingerprint,
        "not_before": identity.not_before.isoformat(),
        "not_after": identity.not_after.isoformat(),
    }


def certificate_from_reference(unit: VerifiedUnit) -> CertificateIdentity | None:
    """The certificate a CA-verified unit was verified with, None when the reference lacks it."""
    ref = unit.reference
    if unit.source is not VerifiedSource.CA:
        return None
    try:
        return CertificateIdentity(
            unit_name=unit.name,
            uscc=unit.uscc,
            serial=ref["serial"],
            subject=ref["subject"],
            issuer=ref["issuer"],
            not_before=dt.datetime.fromisoformat(ref["not_before"]),
            not_after=dt.datetime.fromisoformat(ref["not_after"]),
            fingerprint=ref["fingerprint"],
        )
    except (KeyError, ValueError):
        return None
