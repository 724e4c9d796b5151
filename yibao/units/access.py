"""Objects named in the unit admin's URLs, reached only through these checks: 404 for both
"missing" and "not yours", so ids cannot be probed."""

from __future__ import annotations

from django.http import Http404

from yibao.units.models import LicenceSubmission, Unit, UnitCertificate, UnitRole


def access_licence_submission(*, unit: Unit, submission_id: int) -> LicenceSubmission:
    """A licence the unit itself submitted, or 404."""
    submission = LicenceSubmission.objects.filter(pk=submission_id, unit=unit).first()
    if submission is None:
        raise Http404
    return submission


def access_role(*, role: str) -> UnitRole:
    """One of the five roles by its slug, or 404."""
    if role not in UnitRole.values:
        raise Http404
    return UnitRole(role)


def access_licence_for_staff(*, submission_id: int) -> LicenceSubmission:
    """Any licence, for agency staff reviewing it in the admin (the admin checks the user)."""
    submission = LicenceSubmission.objects.filter(pk=submission_id).first()
    if submission is None:
        raise Http404
    return submission


def access_unit_certificate(*, unit: Unit, certificate_id: int) -> UnitCertificate:
    """A certificate bound to the unit now, or 404 (another unit's, unbound or missing)."""
    certificate = UnitCertificate.objects.filter(
        pk=certificate_id, unit=unit, unbound_at__isnull=True
    ).first()
    if certificate is None:
        raise Http404
    return certificate
