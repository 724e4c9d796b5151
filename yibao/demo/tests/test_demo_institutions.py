"""The demo's institutions go through the 贯标平台 sync: every field valid, a second load changes
nothing, and they show on the public query pages."""

from __future__ import annotations

import pytest

from yibao.catalog.models import Institution
from yibao.catalog.selectors import institution_list
from yibao.core.models import AuditEvent
from yibao.demo.institutions import demo_institutions_load

pytestmark = pytest.mark.django_db


def test_the_demo_syncs_a_few_hundred_institutions_once() -> None:
    rows = demo_institutions_load()
    assert 300 <= rows <= 1000
    assert Institution.objects.count() == rows
    assert not Institution.objects.filter(synced_at__isnull=True).exists()
    pharmacies = Institution.objects.filter(fixmedins_type=Institution.Type.PHARMACY)
    assert pharmacies.exclude(drug_biz_lic_no="").count() == pharmacies.count() > 100
    assert Institution.objects.filter(fixmedins_type="1").exclude(dedc_hosp_lv="").exists()
    before = list(Institution.objects.order_by("pk").values_list())
    assert demo_institutions_load() == rows
    assert list(Institution.objects.order_by("pk").values_list()) == before
    events = AuditEvent.objects.filter(action="catalog.institutions.sync").order_by("pk")
    assert [(e.after["created"], e.after["unchanged"]) for e in events] == [(rows, 0), (0, rows)]
    assert len(institution_list(fixmedins_type=Institution.Type.MEDICAL, admdvs="530100")) > 20
