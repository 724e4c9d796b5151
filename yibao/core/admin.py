from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from yibao.core.models import AuditEvent, CodeItem, CodeTable, Division
from yibao.core.reference import code_cache_clear


class CodeItemInline(admin.TabularInline):
    model = CodeItem
    extra = 0
    fields = ["code", "label", "sort_order", "is_active"]


@admin.register(CodeTable)
class CodeTableAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "source"]
    search_fields = ["code", "name"]
    inlines = [CodeItemInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        code_cache_clear(form.instance.code)


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "actor_label", "unit", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action"]
    search_fields = ["action", "actor_label", "object_id"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
