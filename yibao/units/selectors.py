"""Reads of the unit admin's pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from yibao.catalog.models import Institution
from yibao.core.reference import code_label
from yibao.units.models import (
    LicenceSubmission,
    Population,
    RoleCertification,
    Unit,
    UnitCertificate,
    UnitRole,
)


@dataclass(frozen=True)
class RoleRow:
    """One line of the 角色认证 table."""

    role: UnitRole
    certification: RoleCertification | None

    @property
    def status_label(self) -> str:
        return self.certification.get_status_display() if self.certification else "未认证"

    @property
    def status(self) -> str:
        return self.certification.status if self.certification else "uncertified"

    @property
    def reason(self) -> str:
        if self.certification and self.certification.status == RoleCertification.Status.FAILED:
            return self.certification.reason
        return ""

    @property
    def can_request(self) -> bool:
        return self.certification is None or self.certification.status == RoleCertification.Status.FAILED


@dataclass(frozen=True)
class PopulationRow:
    population: Population
    psn_types: list[tuple[str, str]]  # (code, label)


def role_rows(unit: Unit) -> list[RoleRow]:
    """The five roles in their fixed order, each with the unit's certification if any."""
    held = {c.role: c for c in RoleCertification.objects.filter(unit=unit)}
    return [RoleRow(role=role, certification=held.get(role.value)) for role in UnitRole]


def unit_roles_held(unit: Unit) -> set[str]:
    """The roles the unit is certified for (角色认证 已认证)."""
    return set(
        RoleCertification.objects.filter(unit_id=unit.pk, status=RoleCertification.Status.CERTIFIED)
        .order_by()  # the model's ordering would join the unit for nothing
        .values_list("role", flat=True)
    )


def roles_certified_labels(unit: Unit) -> list[str]:
    held = unit_roles_held(unit)
    return [role.label for role in UnitRole if role.value in held]


def role_certification_get(unit: Unit, role: UnitRole) -> RoleCertification | None:
    return RoleCertification.objects.filter(unit=unit, role=role).first()


def licence_latest(unit: Unit) -> LicenceSubmission | None:
    """The unit's most recent licence submission (its status explains the qualification)."""
    return LicenceSubmission.objects.filter(unit=unit).order_by("-created_at", "-pk").first()


def unit_population_rows(unit: Unit) -> list[PopulationRow]:
    return [
        PopulationRow(population=p, psn_types=[(code, code_label("psn_type", code)) for code in p.psn_types])
        for p in unit.populations.order_by("sort_order", "code")
    ]


def unit_certificates_bound(unit: Unit) -> list[UnitCertificate]:
    """The certificates bound to the unit now, newest first (a unit holds a handful)."""
    return list(
        UnitCertificate.objects.filter(unit=unit, unbound_at__isnull=True).order_by("-bound_at", "-pk")
    )


def unit_certificate_bound(unit: Unit, fingerprint: str) -> bool:
    """Is the certificate with this SHA-256 fingerprint bound to the unit (单位 CA 登录)?"""
    return UnitCertificate.objects.filter(
        unit=unit, fingerprint=fingerprint, unbound_at__isnull=True
    ).exists()


# The kind of 定点医药机构 each institution role stands for.
INSTITUTION_KIND = {UnitRole.MEDICAL: Institution.Type.MEDICAL, UnitRole.PHARMACY: Institution.Type.PHARMACY}


def institution_of_unit(unit: Unit, role: str) -> Institution | None:
    """The 定点医药机构 a unit certified as 医疗机构 or 零售药店 stands for: the synced record of
    that kind with the unit's USCC (角色认证 links them by USCC). One still designated (active,
    its agreement not ended) is preferred over one that is no longer; then the lowest code.
    None when the unit is not certified for the role or no record carries its USCC."""
    kind = INSTITUTION_KIND.get(UnitRole(role))
    if kind is None or not unit.uscc or role not in unit_roles_held(unit):
        return None
    today = timezone.localdate()
    candidates = Institution.objects.filter(uscc=unit.uscc, fixmedins_type=kind).select_related(
        "division", "insu_division"
    )
    designated = candidates.filter(is_active=True).filter(Q(endtime__isnull=True) | Q(endtime__gte=today))
    return designated.order_by("code").first() or candidates.order_by("code").first()
