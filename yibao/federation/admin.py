from django.contrib import admin

from yibao.federation.models import CoreUnit


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
