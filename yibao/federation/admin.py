import json
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from yibao.core.masking import mask_id_number, mask_phone
from yibao.federation.delivery import outbox_deliver_soon
from yibao.federation.models import CoreUnit, OutboxEvent, ReceivedEvent


@admin.register(CoreUnit)
class CoreUnitAdmin(admin.ModelAdmin):
    """Read only: the register is the core system's, kept by its feed."""

    list_display = ["uscc", "name", "division", "emp_no", "is_valid", "source_updated_at", "synced_at"]
    list_filter = ["is_valid"]
    search_fields = ["uscc", "name", "emp_no"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


_ID_NUMBERS = ("legal_rep_cert_no", "cert_no")
_PHONES = ("legal_rep_mobile", "mobile", "contact_phone")


def _masked(value: Any) -> Any:
    """A payload as the admin shows it: ID numbers and phones masked (DESIGN §4), at any depth."""
    if isinstance(value, dict):
        return {
            key: mask_id_number(str(item)) if key in _ID_NUMBERS and item
            else mask_phone(str(item)) if key in _PHONES and item
            else _masked(item)
            for key, item in value.items()
        }  # fmt: skip
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


class MaskedPayload:
    @admin.display(description="内容")
    def payload_shown(self, event: OutboxEvent | ReceivedEvent) -> str:
        return json.dumps(_masked(event.payload), ensure_ascii=False, indent=1)


class DeliveryState(admin.SimpleListFilter):
    title = "送达状态"
    parameter_name = "state"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return [("pending", "待发送"), ("failing", "发送失败待重试"), ("delivered", "已送达")]

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        if self.value() == "pending":
            return queryset.filter(delivered_at__isnull=True, attempts=0)
        if self.value() == "failing":
            return queryset.filter(delivered_at__isnull=True, attempts__gt=0)
        if self.value() == "delivered":
            return queryset.filter(delivered_at__isnull=False)
        return queryset


@admin.register(OutboxEvent)
class OutboxEventAdmin(MaskedPayload, admin.ModelAdmin):
    """What the hall owes the national platform, and how its delivery goes."""

    list_display = [
        "id",
        "kind",
        "unit_uscc",
        "created_at",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = [DeliveryState, "kind"]
    search_fields = ["unit_uscc", "key"]
    actions = ["retry_now"]
    exclude = ["payload"]
    readonly_fields = [*(f.name for f in OutboxEvent._meta.fields if f.name != "payload"), "payload_shown"]

    @admin.display(description="送达状态")
    def state(self, event: OutboxEvent) -> str:
        if event.delivered_at:
            return "已送达"
        return "发送失败待重试" if event.attempts else "待发送"

    @admin.action(description="立即重新发送所选事件")
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxEvent]) -> None:
        count = queryset.filter(delivered_at__isnull=True).update(next_attempt_at=timezone.now())
        outbox_deliver_soon()
        self.message_user(request, f"已安排重新发送{count}个事件")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ReceivedEvent)
class ReceivedEventAdmin(MaskedPayload, admin.ModelAdmin):
    """Events the provincial halls delivered to this (national) instance."""

    list_display = ["id", "source", "kind", "unit_uscc", "created_at", "received_at"]
    list_filter = ["source", "kind"]
    search_fields = ["unit_uscc", "key"]
    exclude = ["payload"]
    readonly_fields = [*(f.name for f in ReceivedEvent._meta.fields if f.name != "payload"), "payload_shown"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
