"""The system admin sees the delivery state of the outbox, and no ID number or phone in full."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from yibao.core.tests.factories import staff_login
from yibao.federation.models import OutboxEvent


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="admin", password="Admin2026x", kind="staff")
    staff_login(client, user)
    return client


@pytest.mark.django_db
def test_the_outbox_shows_states_and_masks_personal_data(admin_client) -> None:
    now = timezone.now()
    payload = {"changed": {"legal_rep_cert_no": "530112199003071230", "legal_rep_mobile": "13988887777"}}
    failing = OutboxEvent.objects.create(
        key=uuid.uuid4(), unit_uscc="91530112MA6NQ2P807", kind="unit_changed", payload=payload,
        created_at=now, next_attempt_at=now, attempts=3, last_error="无法连接国家平台：Connection refused",
    )  # fmt: skip
    listing = admin_client.get("/admin/federation/outboxevent/?state=failing").content.decode()
    assert "发送失败待重试" in listing and "无法连接国家平台" in listing
    page = admin_client.get(f"/admin/federation/outboxevent/{failing.pk}/change/").content.decode()
    assert "530112199003071230" not in page and "13988887777" not in page
    assert "5301**********1230" in page and "139****7777" in page
