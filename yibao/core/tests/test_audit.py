import pytest
from django.test import RequestFactory

from yibao.core.audit import RequestOrigin, audit_event_record
from yibao.core.models import AuditEvent, CodeItem


@pytest.mark.django_db
def test_an_event_records_actor_target_change_and_origin(staff_user) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Browser/1.0")
    item = CodeItem.objects.get(table_id="insutype", code="310")

    event = audit_event_record(
        actor=staff_user,
        action="code_item_update",
        target=item,
        before={"label": "a"},
        after={"label": "b"},
        origin=RequestOrigin.from_request(request),
    )

    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor_id, stored.actor_label, stored.action) == (
        staff_user.pk,
        "shenhe",
        "code_item_update",
    )
    assert (stored.object_type, stored.object_id) == ("core.codeitem", str(item.pk))
    assert (stored.before, stored.after) == ({"label": "a"}, {"label": "b"})
    assert (stored.ip_address, stored.user_agent) == ("10.1.2.3", "Browser/1.0")


@pytest.mark.django_db
def test_a_system_event_has_no_actor() -> None:
    event = audit_event_record(actor=None, action="reference_reload")
    assert event.actor_label == "系统"
    assert event.object_type == ""
