from django.contrib import admin

from yibao.core.cache_versions import HallRecordsAdmin
from yibao.operators.models import Binding, BusinessItem, FunctionRole, Grant, Operator


@admin.register(Operator)
class OperatorAdmin(HallRecordsAdmin, admin.ModelAdmin):
    list_display = ["name", "mobile", "email"]
    search_fields = ["name", "mobile"]
    raw_id_fields = ["user"]


class GrantInline(admin.TabularInline):
    model = Grant
    fields = ["item", "exclusive", "granted_at"]
    readonly_fields = ["item", "exclusive", "granted_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # grants are given by the unit admin in the hall (权限管理)


@admin.register(Binding)
class BindingAdmin(HallRecordsAdmin, admin.ModelAdmin):
    list_display = ["unit", "operator", "status", "unbound_at"]
    list_filter = ["status"]
    raw_id_fields = ["unit", "operator"]
    # binding, unbinding and grants go through the unit admin's pages (the last operator stays)
    readonly_fields = ["status", "unbound_at", "populations"]
    inlines = [GrantInline]


@admin.register(FunctionRole)
class FunctionRoleAdmin(HallRecordsAdmin, admin.ModelAdmin):
    list_display = ["code", "name", "service_tab", "sort_order"]
    list_editable = ["name", "sort_order"]


@admin.register(BusinessItem)
class BusinessItemAdmin(HallRecordsAdmin, admin.ModelAdmin):
    """The business catalogue (业务事项目录): the system admin renames, reorders, regroups or
    disables items; a disabled item leaves every menu and can no longer be opened or granted."""

    list_display = ["code", "name", "function_role", "menu_group", "required_role", "sort_order", "is_active"]
    list_editable = ["name", "menu_group", "required_role", "sort_order", "is_active"]
    list_filter = ["function_role", "menu_group", "required_role", "is_active"]
    search_fields = ["code", "name"]
    readonly_fields = ["code"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # The code is what grants and pages refer to: fixed once the item exists.
        return ["code"] if obj is not None else []
