"""System administrator's maintenance of the catalogues (single rows; editions load in bulk with
`manage.py load_catalog`). Saves go through the services, which fill the search key and audit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from yibao.catalog.models import Agency, CatalogEntry, Drug, Institution, ServiceItem
from yibao.catalog.services import catalog_entries_set_active, catalog_entry_delete, catalog_entry_save


class CatalogAdmin(admin.ModelAdmin):
    readonly_fields = ["created_at", "updated_at"]
    list_per_page = 50
    show_full_result_count = False  # counting 100,000 rows on every page is wasted work
    actions = ["activate", "deactivate"]

    def save_model(self, request: HttpRequest, obj: CatalogEntry, form: Any, change: bool) -> None:
        # The admin form has run the model's checks (fields and constraints) already.
        catalog_entry_save(entry=obj, actor=request.user)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: CatalogEntry) -> None:
        catalog_entry_delete(entry=obj, actor=request.user)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            catalog_entry_delete(entry=obj, actor=request.user)  # type: ignore[arg-type]

    @admin.action(description="启用所选记录")
    def activate(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = catalog_entries_set_active(entries=queryset, active=True, actor=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"已启用 {count} 条记录")

    @admin.action(description="停用所选记录（不再在公众查询中显示）")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = catalog_entries_set_active(entries=queryset, active=False, actor=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"已停用 {count} 条记录")


@admin.register(Institution)
class InstitutionAdmin(CatalogAdmin):
    list_display = [
        "code",
        "name",
        "fixmedins_type",
        "division",
        "hosp_lv",
        "fix_onln_open_flag",
        "is_active",
    ]
    list_filter = ["fixmedins_type", "is_active", "fix_onln_open_flag", "service_type"]
    search_fields = ["=code", "name", "=uscc"]
    raw_id_fields = ["division"]


@admin.register(Agency)
class AgencyAdmin(CatalogAdmin):
    list_display = ["code", "name", "division", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["=code", "name"]
    raw_id_fields = ["division"]


@admin.register(Drug)
class DrugAdmin(CatalogAdmin):
    list_display = ["code", "name", "dosage_form", "spec", "manufacturer", "category", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["=code", "name", "=approval_no"]


@admin.register(ServiceItem)
class ServiceItemAdmin(CatalogAdmin):
    list_display = ["code", "name", "division", "payment_class", "unit", "price", "is_active"]
    list_filter = ["payment_class", "is_active", "category"]
    search_fields = ["=code", "name"]
    raw_id_fields = ["division"]
