"""Which export an operator may download: their own, of the unit they work in now, of a kind their
current grant covers, finished and not yet expired — and only while the grant still allows what
the file holds (ID numbers in full, the 管理人群 it was made for). 404 for all the rest alike."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone

from yibao.accounts.guards import hall_user
from yibao.exports.kinds import kinds_of_item
from yibao.exports.models import ExportJob
from yibao.operators.access import GrantedRequest
from yibao.operators.models import Binding


def population_allows(binding: Binding, psn_types: list[str] | None) -> bool:
    """The binding still covers the persons of an export made within `psn_types` (None: the
    whole unit, which only a grant naming no 管理人群 covers)."""
    granted = [set(codes) for codes in binding.populations.values_list("psn_types", flat=True)]
    if not granted:
        return True
    return psn_types is not None and any(set(psn_types) <= codes for codes in granted)


def access_export_job(request: GrantedRequest, *, item_code: str, job_id: int) -> ExportJob:
    codes = [kind.code for kind in kinds_of_item(item_code)]
    job = (
        ExportJob.objects.select_related("unit")
        .filter(pk=job_id, unit=request.unit, created_by=hall_user(request), kind__in=codes)
        .filter(status=ExportJob.Status.DONE, expires_at__gt=timezone.now())
        .exclude(file_name="")
        .first()
    )
    if job is None:
        raise Http404
    if job.full_identity and not request.binding.full_identity:
        raise Http404
    if not population_allows(request.binding, job.psn_types):
        raise Http404
    return job
